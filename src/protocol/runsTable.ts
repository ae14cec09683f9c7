// The runs table: every checkpoint of the weights folder as a row of its hyperparameters and
// results; the filter a user types (`accuracy >= 0.98, units = 64`), the sort, the grouping of
// runs that differ only in their seed (mean ± std over the seeds), and the CSV export. Free of
// Node and DOM: the webview draws with it, the host exports with it, and unit tests hold it.
import type { CheckpointMeta } from './checkpointFormat';
import { computeText, fixed, percent, seconds } from './format';
import { architectureOf } from './architecture';
import { scheduleText } from './learningRate';
import { scheduleOf } from './runOptions';
import { isRecord } from './guards';

/** One checkpoint, flat. Accuracies are fractions (0..1). */
export interface RunRow {
  /** The checkpoint folder: the row's identity. */
  path: string;
  /** As the Checkpoints view names it (`<sweep>/<run>` for a sweep's run). */
  name: string;
  sweep?: string;
  /** The recurrent cell: "lstm" or "gru". */
  cell: string;
  layers: number;
  units: number;
  /** The fraction of each layer's inputs dropped while training; 0 = off. */
  dropout: number;
  batchSize: number;
  /** The epochs the run was set to train (its early stop and kept epoch aside). */
  epochs: number;
  learningRate: number;
  seed: number;
  /** Training and test images. */
  trainImages: number;
  testImages: number;
  /** The learning-rate schedule in words ("constant" for the seed's). */
  schedule: string;
  /** The gradient clipping's global norm; 0 = off. */
  clipNorm: number;
  accuracy: number;
  loss: number;
  /** The epoch whose weights the checkpoint holds. */
  epochKept: number;
  /** Wall-clock seconds of the run. */
  seconds: number;
  device: string;
  createdAt: string;
}

export type ColumnKey = Exclude<keyof RunRow, 'path' | 'sweep'>;

export interface Column {
  key: ColumnKey;
  title: string;
  /** A hyperparameter (it defines a configuration), a result (averaged over seeds) or neither. */
  role: 'hyperparameter' | 'seed' | 'result' | 'about';
  numeric: boolean;
  /** The value as the table shows it. */
  format(value: number | string): string;
}

const plain = (v: number | string): string => String(v);

export const COLUMNS: readonly Column[] = [
  { key: 'name', title: 'run', role: 'about', numeric: false, format: plain },
  { key: 'cell', title: 'cell', role: 'hyperparameter', numeric: false, format: plain },
  { key: 'layers', title: 'layers', role: 'hyperparameter', numeric: true, format: plain },
  { key: 'units', title: 'units', role: 'hyperparameter', numeric: true, format: plain },
  { key: 'dropout', title: 'dropout', role: 'hyperparameter', numeric: true, format: (v) => (v === 0 ? 'off' : String(v)) },
  { key: 'batchSize', title: 'batch', role: 'hyperparameter', numeric: true, format: plain },
  { key: 'epochs', title: 'epochs', role: 'hyperparameter', numeric: true, format: plain },
  { key: 'learningRate', title: 'learning rate', role: 'hyperparameter', numeric: true, format: plain },
  { key: 'trainImages', title: 'train images', role: 'hyperparameter', numeric: true, format: plain },
  { key: 'testImages', title: 'test images', role: 'hyperparameter', numeric: true, format: plain },
  { key: 'schedule', title: 'schedule', role: 'hyperparameter', numeric: false, format: plain },
  { key: 'clipNorm', title: 'clip norm', role: 'hyperparameter', numeric: true, format: (v) => (v === 0 ? 'off' : String(v)) },
  { key: 'seed', title: 'seed', role: 'seed', numeric: true, format: plain },
  { key: 'accuracy', title: 'accuracy', role: 'result', numeric: true, format: (v) => percent(Number(v)) },
  { key: 'loss', title: 'loss', role: 'result', numeric: true, format: (v) => fixed(Number(v)) },
  { key: 'epochKept', title: 'epoch kept', role: 'about', numeric: true, format: plain },
  { key: 'seconds', title: 'time', role: 'result', numeric: true, format: (v) => seconds(Number(v)) },
  { key: 'device', title: 'device', role: 'about', numeric: false, format: plain },
  { key: 'createdAt', title: 'saved', role: 'about', numeric: false, format: plain },
];

const BY_KEY = new Map(COLUMNS.map((c) => [c.key, c]));
/** A column by its key or its title, as a filter names it (`learning rate`, `learningRate`, `lr`). */
const BY_NAME = new Map<string, Column>([
  ...COLUMNS.map((c) => [c.key.toLowerCase(), c] as const),
  ...COLUMNS.map((c) => [c.title.toLowerCase(), c] as const),
  ['lr', BY_KEY.get('learningRate')!],
  ['acc', BY_KEY.get('accuracy')!],
  ['test accuracy', BY_KEY.get('accuracy')!],
]);

export const HYPERPARAMETERS: readonly Column[] = COLUMNS.filter((c) => c.role === 'hyperparameter');
export const RESULTS: readonly Column[] = COLUMNS.filter((c) => c.role === 'result');

export function column(key: ColumnKey): Column {
  return BY_KEY.get(key)!;
}

/** A checkpoint's row (its metadata was checked when it was read). */
export function runRow(path: string, name: string, meta: CheckpointMeta, sweep?: string): RunRow {
  const hp = meta.hyperparameters;
  return {
    path,
    name,
    ...(sweep ? { sweep } : {}),
    ...architectureOf(meta.model),
    units: meta.model.units,
    dropout: hp.dropout ?? 0,
    batchSize: hp.batchSize,
    epochs: hp.epochs,
    learningRate: hp.learningRate,
    seed: hp.seed,
    trainImages: meta.dataset.trainCount,
    testImages: meta.dataset.testCount,
    schedule: scheduleText(scheduleOf(hp)),
    clipNorm: hp.clipNorm ?? 0,
    accuracy: meta.test.accuracy,
    loss: meta.test.loss,
    epochKept: meta.bestEpoch ?? meta.epochs.length,
    seconds: meta.seconds,
    device: computeText(meta.device),
    createdAt: meta.createdAt,
  };
}

export function isRunRow(v: unknown): v is RunRow {
  return (
    isRecord(v) &&
    typeof v.path === 'string' &&
    (v.sweep === undefined || typeof v.sweep === 'string') &&
    COLUMNS.every((c) => (c.numeric ? typeof v[c.key] === 'number' : typeof v[c.key] === 'string'))
  );
}

// ---- Filter ----

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';

export interface Condition {
  column: Column;
  op: Comparator;
  value: number | string;
}

/** What a filter is: its conditions (all must hold), or what is wrong with it, in words. */
export type Filter = { conditions: Condition[] } | { problem: string };

const CONDITION = /^\s*([A-Za-z][A-Za-z ]*?)\s*(>=|<=|!=|=|<|>|~)\s*(.+?)\s*$/;

/** The filter's conditions: split at commas and "and", except inside double quotes. */
function conditionTexts(text: string): string[] {
  return (text.match(/(?:"[^"]*"?|[^",])+/g) ?? [])
    .flatMap((part) => part.split(/\band\b(?=(?:[^"]*"[^"]*")*[^"]*$)/i))
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * `accuracy >= 0.98, units = 64, name ~ grid`: conditions joined by commas (or "and"), each a
 * column, a comparator and a value (in double quotes when it holds a comma). Accuracy may be given
 * as a percentage (`accuracy > 97.5%`).
 */
export function parseFilter(text: string): Filter {
  const parts = conditionTexts(text);
  const conditions: Condition[] = [];
  for (const part of parts) {
    const m = CONDITION.exec(part);
    if (!m) return { problem: `"${part}" is not a condition such as accuracy >= 0.98` };
    const col = BY_NAME.get(m[1].toLowerCase());
    if (!col) return { problem: `no column "${m[1]}" (columns: ${COLUMNS.map((c) => c.title).join(', ')})` };
    const op = m[2] as Comparator;
    if (!col.numeric) {
      if (op !== '=' && op !== '!=' && op !== '~') return { problem: `${col.title} is text: use =, != or ~ (contains)` };
      conditions.push({ column: col, op, value: m[3].replace(/^"(.*)"$/, '$1') });
      continue;
    }
    if (op === '~') return { problem: `${col.title} is a number: use =, !=, <, <=, > or >=` };
    const percentValue = /%$/.test(m[3]);
    const value = Number(m[3].replace(/%$/, ''));
    if (!Number.isFinite(value) || (percentValue && col.key !== 'accuracy'))
      return { problem: `"${m[3]}" is not a number for ${col.title}` };
    conditions.push({ column: col, op, value: percentValue ? value / 100 : value });
  }
  return { conditions };
}

function holds(row: RunRow, c: Condition): boolean {
  const v = row[c.column.key];
  if (typeof v === 'string') {
    const text = String(c.value).toLowerCase();
    const have = v.toLowerCase();
    return c.op === '~' ? have.includes(text) : (have === text) === (c.op === '=');
  }
  const w = c.value as number;
  switch (c.op) {
    case '=':
      return v === w;
    case '!=':
      return v !== w;
    case '<':
      return v < w;
    case '<=':
      return v <= w;
    case '>':
      return v > w;
    default:
      return v >= w;
  }
}

export function applyFilter(rows: readonly RunRow[], conditions: readonly Condition[]): RunRow[] {
  return rows.filter((r) => conditions.every((c) => holds(r, c)));
}

// ---- Sort ----

export interface Sort {
  key: ColumnKey;
  descending: boolean;
}

/** Newest first, as the Checkpoints view lists them. */
export const DEFAULT_SORT: Sort = { key: 'createdAt', descending: true };

export function sortRows<T extends Pick<RunRow, ColumnKey>>(rows: readonly T[], sort: Sort): T[] {
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[sort.key];
    const y = b[sort.key];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sign * order || a.name.localeCompare(b.name);
  });
}

// ---- Groups: runs that differ only in their seed ----

/** A result over a group's runs: their mean and sample standard deviation (undefined for one run). */
export interface Spread {
  mean: number;
  std?: number;
}

export interface RunGroup {
  /** The configuration's values, as each run of the group has them. */
  config: Pick<RunRow, (typeof HYPERPARAMETERS)[number]['key']>;
  runs: RunRow[];
  seeds: number[];
  results: Record<(typeof RESULTS)[number]['key'], Spread>;
}

export function spread(values: readonly number[]): Spread {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  if (values.length < 2) return { mean };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** `97.90% ± 0.12` (the spread in the value's own unit), or the mean alone for one run. */
export function spreadText(col: Column, s: Spread): string {
  if (s.std === undefined) return col.format(s.mean);
  const std = col.key === 'accuracy' ? (s.std * 100).toFixed(2) : col.key === 'loss' ? fixed(s.std) : s.std.toFixed(1);
  return `${col.format(s.mean)} ± ${std}`;
}

/** Runs with the same hyperparameters, seeds aside; in the order of their first run. */
export function groupRuns(rows: readonly RunRow[]): RunGroup[] {
  const groups = new Map<string, RunRow[]>();
  for (const r of rows) {
    const key = JSON.stringify(HYPERPARAMETERS.map((c) => r[c.key]));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((runs) => ({
    config: Object.fromEntries(HYPERPARAMETERS.map((c) => [c.key, runs[0][c.key]])) as RunGroup['config'],
    runs,
    seeds: runs.map((r) => r.seed),
    results: Object.fromEntries(RESULTS.map((c) => [c.key, spread(runs.map((r) => r[c.key] as number))])) as RunGroup['results'],
  }));
}

// ---- CSV ----

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLines(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Every run, raw values (accuracy as a fraction), the path last: RFC 4180. */
export function runsCsv(rows: readonly RunRow[]): string {
  return csvLines([[...COLUMNS.map((c) => c.key), 'path'], ...rows.map((r) => [...COLUMNS.map((c) => r[c.key]), r.path])]);
}

/** One line per configuration: its hyperparameters, the number of seeds, each result's mean and std. */
export function groupsCsv(groups: readonly RunGroup[]): string {
  return csvLines([
    [...HYPERPARAMETERS.map((c) => c.key), 'seeds', ...RESULTS.flatMap((c) => [`${c.key}Mean`, `${c.key}Std`])],
    ...groups.map((g) => [
      ...HYPERPARAMETERS.map((c) => g.config[c.key]),
      g.runs.length,
      ...RESULTS.flatMap((c) => [g.results[c.key].mean, g.results[c.key].std ?? '']),
    ]),
  ]);
}

// ---- Messages ----

/** What the table shows: the filter's text, the sort and whether runs are grouped (kept across reloads). */
export interface RunsViewState {
  filter: string;
  sort: Sort;
  grouped: boolean;
}

export type HostToRuns = { type: 'rows'; rows: RunRow[]; folder: string };
export type RunsToHost =
  | { type: 'ready' }
  /** Compare Runs on the selected rows' checkpoints. */
  | { type: 'compare'; paths: string[] }
  /** Export CSV of what the table shows now. */
  | { type: 'exportCsv'; view: RunsViewState };

export function isHostToRuns(v: unknown): v is HostToRuns {
  return isRecord(v) && v.type === 'rows' && typeof v.folder === 'string' && Array.isArray(v.rows) && v.rows.every(isRunRow);
}

function isRunsViewState(v: unknown): v is RunsViewState {
  return (
    isRecord(v) &&
    typeof v.filter === 'string' &&
    typeof v.grouped === 'boolean' &&
    isRecord(v.sort) &&
    BY_KEY.has(v.sort.key as ColumnKey) &&
    typeof v.sort.descending === 'boolean'
  );
}

export function isRunsToHost(v: unknown): v is RunsToHost {
  if (!isRecord(v)) return false;
  if (v.type === 'ready') return true;
  if (v.type === 'compare') return Array.isArray(v.paths) && v.paths.every((p) => typeof p === 'string');
  return v.type === 'exportCsv' && isRunsViewState(v.view);
}

/** The CSV of what a view of `rows` shows: its filtered runs, sorted, or their groups. */
export function viewCsv(rows: readonly RunRow[], view: RunsViewState): string | { problem: string } {
  const filter = parseFilter(view.filter);
  if ('problem' in filter) return filter;
  const shown = sortRows(applyFilter(rows, filter.conditions), view.sort);
  return view.grouped ? groupsCsv(groupRuns(shown)) : runsCsv(shown);
}
