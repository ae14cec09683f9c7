// The command line as a terminal's foreground job: in a process group of its own (a terminal's
// Ctrl-C goes to the whole group), its output collected as it comes.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const CLI = path.resolve(__dirname, '../../src/cli/cli.js');

export interface CliProcess {
  /** stdout so far. */
  output(): string;
  /** stderr so far. */
  errors(): string;
  /** Resolves once stdout so far satisfies `check`. */
  until(check: (stdout: string) => boolean): Promise<void>;
  /** Ctrl-C, as a terminal sends it: SIGINT to the process group. */
  interrupt(): void;
  /** The exit code. */
  readonly status: Promise<number | null>;
}

export function startCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiting: Array<{ check: (stdout: string) => boolean; resolve: () => void }> = [];
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of waiting.filter((w) => w.check(out))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    output: () => out,
    errors: () => err,
    until: (check) => (check(out) ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ check, resolve }))),
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
    status: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))),
  };
}
