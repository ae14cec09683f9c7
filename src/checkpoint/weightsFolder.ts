// What a run checks of its weights folder before its first batch, so that it never trains for an
// hour and then cannot keep the result: the folder can be created and written (as much as the
// checkpoint will take), and the run name is free and reserved for this process (two processes
// cannot both take it). Each failure says what is wrong in words a user can act on.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { megabytes } from '../protocol/format';
import { reservationFile, runNameTaken } from './reservation';

export class RunPreparationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunPreparationError';
  }
}

/** A file-system error as a reason a person can act on. */
export function describeFsError(e: unknown, folder: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return `${folder} cannot be a folder: a file is in the way (${err.path ?? folder})`;
    case 'EACCES':
    case 'EPERM':
      return `${folder} is not writable (permission denied)`;
    case 'EROFS':
      return `${folder} is on a read-only disk`;
    case 'ENOSPC':
      return `the disk of ${folder} is full`;
    case 'EDQUOT':
      return `the disk quota for ${folder} is used up`;
    default:
      return `${folder}: ${err.message}`;
  }
}

/** The name this process holds until release(): a checkpoint is saved under it, or nothing. */
export interface Reservation {
  release(): void;
}

/** A probe file this big proves the folder takes writes without costing time on a big model. */
const PROBE_BYTES = 1 << 20;

/**
 * Creates the weights folder, proves it can be written (a probe file, written and removed) and
 * has room for the checkpoint's `bytes`, and reserves the run name. Throws RunPreparationError
 * saying what is wrong.
 */
export function prepareWeightsFolder(weightsDir: string, runName: string, bytes: number): Reservation {
  const cannot = (why: string): RunPreparationError =>
    new RunPreparationError(`The checkpoint could not be saved: ${why}. Nothing was trained.`);
  try {
    fs.mkdirSync(weightsDir, { recursive: true });
    const probe = path.join(weightsDir, `.write-test-${process.pid}`);
    try {
      const fd = fs.openSync(probe, 'w');
      try {
        fs.writeSync(fd, Buffer.alloc(Math.min(bytes, PROBE_BYTES)));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      fs.rmSync(probe, { force: true });
    }
  } catch (e) {
    throw cannot(describeFsError(e, weightsDir));
  }
  const free = freeBytes(weightsDir);
  if (free !== undefined && free < bytes)
    throw cannot(`it takes ${megabytes(bytes)} and the disk of ${weightsDir} has ${megabytes(free)} free`);
  return reserve(weightsDir, runName);
}

function freeBytes(dir: string): number | undefined {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

function reserve(weightsDir: string, runName: string): Reservation {
  const file = reservationFile(weightsDir, runName);
  for (let attempt = 0; attempt < 2; attempt++) {
    const taken = runNameTaken(weightsDir, runName);
    if (taken) throw new RunPreparationError(`The run name "${runName}" is taken: ${taken}. Choose another run name.`);
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return { release: () => fs.rmSync(file, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new RunPreparationError(`The run name could not be reserved: ${describeFsError(e, weightsDir)}.`);
      }
      // Another process reserved it just now, or a dead one left its file: runNameTaken tells
      // which on the next turn; a stale file is removed first.
      if (!runNameTaken(weightsDir, runName)) fs.rmSync(file, { force: true });
    }
  }
  throw new RunPreparationError(`The run name "${runName}" could not be reserved in ${weightsDir}.`);
}
