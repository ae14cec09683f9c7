// Who holds a run name, and what a dead training process left behind: the files and folders
// named after the process that made them (a run name's reservation, a checkpoint being put
// together) are leftovers once that process is gone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pidFileHolder, processAlive } from './liveness';

/**
 * A run name is held while its run trains: `<weights folder>/.reserved-<run name>` holds the
 * training process's id, so two processes never both take it; the file goes when the checkpoint
 * is saved or the run ends, and is stale once its process is gone.
 */
export const RESERVATION_PREFIX = '.reserved-';

export function reservationFile(weightsDir: string, runName: string): string {
  return path.join(weightsDir, `${RESERVATION_PREFIX}${runName}`);
}

/** The id of the live process that holds `runName`, if any. */
export function reservationHolder(weightsDir: string, runName: string): number | undefined {
  return pidFileHolder(reservationFile(weightsDir, runName));
}

const STAGING_PREFIX = '.tmp-';

/**
 * The hidden folder this process puts a checkpoint together in, renamed into place when complete;
 * a run writes its TensorBoard logs there as it trains.
 */
export function stagingFolder(weightsDir: string, runName: string): string {
  return path.join(weightsDir, `${STAGING_PREFIX}${process.pid}-${runName}`);
}

/**
 * Removes the staging folders and run-name reservations of processes that are gone (killed
 * mid-run or mid-save): at every save, and by the extension as soon as a training process dies.
 */
export function removeLeftovers(weightsDir: string): void {
  for (const entry of fs.readdirSync(weightsDir)) {
    if (entry.startsWith(STAGING_PREFIX)) {
      const pid = Number.parseInt(entry.slice(STAGING_PREFIX.length), 10);
      if (Number.isSafeInteger(pid) && !processAlive(pid)) fs.rmSync(path.join(weightsDir, entry), { recursive: true, force: true });
    }
    if (entry.startsWith(RESERVATION_PREFIX)) {
      const name = entry.slice(RESERVATION_PREFIX.length);
      if (reservationHolder(weightsDir, name) === undefined) fs.rmSync(reservationFile(weightsDir, name), { force: true });
    }
  }
}

/** Why a new run cannot take `runName` (a checkpoint has it, or a running training holds it), or undefined. */
export function runNameTaken(weightsDir: string, runName: string): string | undefined {
  if (fs.existsSync(path.join(weightsDir, runName))) return `${path.join(weightsDir, runName)} already exists`;
  const holder = reservationHolder(weightsDir, runName);
  return holder === undefined ? undefined : `another training process (pid ${holder}) is running under that name`;
}
