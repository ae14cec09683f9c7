// Cancellation between units of work (a batch, an evaluation chunk). The loops are synchronous
// TensorFlow calls, so they yield to the event loop between units: that is when a cancel message
// from the extension host (IPC) or Ctrl-C (a signal) gets delivered.

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** Lets pending messages and signals run, then throws Cancelled if one asked to stop. */
export async function stopIfCancelled(isCancelled: () => boolean): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (isCancelled()) throw new Cancelled();
}
