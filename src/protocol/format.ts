// How every part writes numbers for people (the panel, the tree, the status bar, notifications,
// the set-up and the CLI), so a run's accuracy reads the same everywhere. No Node or DOM
// imports: the webview bundles it too.
import { PORTABLE_BACKEND } from './compute';

/** 0.97904 -> "97.90%"; a diverged (NaN) metric stays visible as "NaN". */
export function percent(fraction: number, digits = 2): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : String(fraction);
}

/** A loss with four decimals (or NaN/Infinity as such, never a misleading number). */
export function fixed(value: number, digits = 4): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** 60000 -> "60,000": a count as people read it, the same in every locale. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 epoch", "2 epochs", "1,000 images"; `many` where the plural is not the word and an s ("batches"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "12.3 s", "2 min 5 s". */
export function seconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

/** Bytes as people read them: "274 MB", "0.3 MB". */
export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb < 10 ? mb.toFixed(1) : count(Math.round(mb))} MB`;
}

/** An ISO time as local `yyyy-MM-dd HH:mm`; the raw text if it is not a date. */
export function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A sweep's run's place in words: "sweep grid, run 5 of 12". */
export function sweepRunOf(p: { name: string; run: number; runs: number }): string {
  return `sweep ${p.name}, run ${p.run} of ${p.runs}`;
}

/** A phrase as the start of a sentence: "Sweep grid, run 5 of 12". */
export function capitalised(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

/** The last part of a path (the checkpoint's run name), for either separator. */
export function baseName(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).pop() ?? p;
}

/** Where and how a job computed, for people: "CPU · portable WebAssembly kernels, 2 threads". */
export function computeText(device: {
  device: string;
  fusedKernels: boolean;
  backend?: string;
  kernels?: string;
  shares?: number;
}): string {
  return `${device.device.toUpperCase()} · ${kernelsText(device)}`;
}

/** How a run computed its gradient, for people: "scheduled kernels, 2 threads". */
export function kernelsText(device: {
  fusedKernels: boolean;
  backend?: string;
  kernels?: string;
  shares?: number;
  replicas?: number;
}): string {
  if (device.kernels === 'portable' || (device.kernels === undefined && device.backend === PORTABLE_BACKEND)) {
    return `portable WebAssembly kernels${device.shares && device.shares > 1 ? `, ${device.shares} threads` : ''}`;
  }
  if (device.kernels === 'scheduled') {
    if (device.shares && device.shares > 1) return `scheduled kernels, ${device.shares} threads`;
    return `scheduled kernels${device.replicas && device.replicas > 1 ? `, ${device.replicas} processes` : ''}`;
  }
  return device.fusedKernels ? 'fused kernels' : 'reference kernels';
}
