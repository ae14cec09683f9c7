// A sweep's folder under the weights folder: its record (sweep.json, written once, atomically)
// and one checkpoint folder per finished run. Which runs are left is read from the disk, so a
// sweep stopped by a cancel, a window reload or a crash goes on with exactly the runs it lacks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { META_FILE } from '../protocol/checkpointFormat';
import { firstFreeName } from '../protocol/freeName';
import { SWEEP_FILE, type SweepRecord, sweepRecordProblem } from '../protocol/sweepFormat';
import type { SweepRun } from '../protocol/sweepPlan';
import { pidFileHolder } from './liveness';
import { reservationHolder } from './reservation';
import { readUntrustedTextSync, type UntrustedFileError } from './untrustedFile';
import { describeFsError } from './weightsFolder';

/**
 * While a process trains a sweep's runs (the CLI, or an extension host), `<sweep>/.running` holds
 * its id: a second process does not train them too, and a window that opens does not offer to.
 * Stale once that process is gone (a reload ends the extension host that held it).
 */
const HOLDER_FILE = '.running';
/** A sweep's record is read up to this size (10,000 runs take about 2 MB). */
const MAX_SWEEP_BYTES = 16 * 2 ** 20;

export class SweepFileError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`${path.join(dir, SWEEP_FILE)}: ${reason}`);
    this.name = 'SweepFileError';
  }
}

/** A sweep as found on disk: its folder and record, and its runs that have no checkpoint yet. */
export interface SweepFolder {
  dir: string;
  record: SweepRecord;
  pending: SweepRun[];
}

/**
 * Makes the sweep's folder under `weightsDir` (the record's name, or `name-2`, … when that is
 * taken) and writes its record there; returns the folder with every run pending.
 */
export function createSweepFolder(weightsDir: string, record: SweepRecord): SweepFolder {
  const name = firstFreeName(record.name, (candidate) => fs.existsSync(path.join(weightsDir, candidate)));
  const dir = path.join(weightsDir, name);
  const named = { ...record, name };
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, SWEEP_FILE);
    const staging = path.join(dir, `.${SWEEP_FILE}.${process.pid}`);
    fs.writeFileSync(staging, `${JSON.stringify(named, null, 2)}\n`);
    fs.renameSync(staging, file);
  } catch (e) {
    throw new SweepFileError(dir, `the sweep could not be written: ${describeFsError(e, dir)}`);
  }
  return { dir, record: named, pending: named.runs };
}

/** The sweep in `dir`, with the runs it has yet to train; throws SweepFileError saying what is wrong. */
export function readSweepFolder(dir: string): SweepFolder {
  const file = path.join(dir, SWEEP_FILE);
  let text: string;
  try {
    text = readUntrustedTextSync(file, MAX_SWEEP_BYTES);
  } catch (e) {
    const failed = e as UntrustedFileError;
    throw new SweepFileError(dir, failed.code === 'ENOENT' ? `no ${SWEEP_FILE}: not a sweep folder` : failed.message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SweepFileError(dir, `not valid JSON (${(e as Error).message})`);
  }
  const problem = sweepRecordProblem(parsed);
  if (problem) throw new SweepFileError(dir, problem);
  const record = parsed as SweepRecord;
  return { dir, record, pending: record.runs.filter((run) => !fs.existsSync(path.join(dir, run.name, META_FILE))) };
}

/** The id of the live process that trains the sweep's runs, if any. */
export function sweepHolder(dir: string): number | undefined {
  return pidFileHolder(path.join(dir, HOLDER_FILE));
}

/**
 * Marks the sweep as trained by this process until release(); throws SweepFileError when a live
 * process does (this one too: a second Continue Sweep in the same window). A stale file, or a link
 * in its place, is removed first: the new file never writes through a link.
 */
export function holdSweep(dir: string): { release(): void } {
  const holder = sweepHolder(dir);
  if (holder !== undefined)
    throw new SweepFileError(
      dir,
      `${holder === process.pid ? 'this window' : `another process (pid ${holder})`} is training this sweep's runs`,
    );
  const file = path.join(dir, HOLDER_FILE);
  try {
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (e) {
    throw new SweepFileError(dir, `the sweep could not be marked as running: ${describeFsError(e, dir)}`);
  }
  return { release: () => fs.rmSync(file, { force: true }) };
}

/**
 * Waits until no live process holds the run's name: the training process of a window that was
 * reloaded stops at its next batch, and its run is trained again here. Resolves false after `timeoutMs`.
 */
export async function runNameReleased(dir: string, run: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (reservationHolder(dir, run) !== undefined) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

/** Whether a folder holds a sweep's record. */
export function isSweepFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, SWEEP_FILE));
}

/**
 * The sweeps directly under `weightsDir` that have runs left and that no live process trains;
 * unreadable records are skipped, and so is a link in a sweep's place (continuing it would write
 * wherever it leads: a cloned repository's link may lead anywhere).
 */
export function unfinishedSweeps(weightsDir: string): SweepFolder[] {
  let names: string[];
  try {
    names = fs
      .readdirSync(weightsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.') && isSweepFolder(path.join(weightsDir, n)))
    .flatMap((n) => {
      try {
        const sweep = readSweepFolder(path.join(weightsDir, n));
        return sweep.pending.length > 0 && sweepHolder(sweep.dir) === undefined ? [sweep] : [];
      } catch {
        return [];
      }
    });
}
