// Files and folders named after the process that made them (a checkpoint being written, a
// reserved run name, a runtime being set up) are leftovers once that process is gone: the one
// rule every part uses to tell.

/** A file holding a process id (a reservation, a sweep's holder) is read up to this many bytes: more is no such file. */
export const PID_FILE_BYTES = 32;

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
