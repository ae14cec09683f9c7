// Files and folders named after the process that made them (a checkpoint being written, a
// reserved run name, a runtime being set up) are leftovers once that process is gone: the one
// rule every part uses to tell.
import { readUntrustedTextSync } from './untrustedFile';

/** A file holding a process id (a reservation, a sweep's holder) is read up to this many bytes: more is no such file. */
const PID_FILE_BYTES = 32;

/** Whether process `pid` exists (0 and below are none: signalling them reaches a process group). */
export function processAlive(pid: number): boolean {
  if (!(Number.isSafeInteger(pid) && pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The live process whose id `file` holds (a run's reservation, a sweep's holder), if any. The file
 * is read as one from elsewhere (a cloned folder may carry one): a link, a pipe or a large file is no holder.
 */
export function pidFileHolder(file: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readUntrustedTextSync(file, PID_FILE_BYTES), 10);
  } catch {
    return undefined;
  }
  return processAlive(pid) ? pid : undefined;
}
