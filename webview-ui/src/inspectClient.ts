// The panel's questions about the evaluated checkpoint, each sent with an id and answered by the
// host's `inspectReply` with the same id (as the buttons' requests are).
import type { InspectRequest, InspectResult } from '../../src/protocol/inspection';
import type { HostToWebview, InspectTarget, WebviewToHost } from '../../src/protocol/webview';

export type Ask = (request: InspectRequest) => Promise<InspectResult>;

export class InspectClient {
  private readonly waiting = new Map<number, { resolve(result: InspectResult): void; reject(error: Error): void }>();
  private nextId = 1;

  constructor(private readonly post: (message: WebviewToHost) => void) {}

  ask(target: InspectTarget, request: InspectRequest): Promise<InspectResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ type: 'inspect', id, target, request });
    });
  }

  receive(reply: Extract<HostToWebview, { type: 'inspectReply' }>): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (reply.result) waiting.resolve(reply.result);
    else waiting.reject(new Error(reply.error ?? 'no answer'));
  }
}
