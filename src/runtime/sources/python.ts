// Running the machine's Python for the two Python sources: finding an interpreter (`python3`,
// then `python`, on the PATH the editor was started with) and running a command in it with
// cancellation and its output kept for the log.
import { spawn } from 'node:child_process';

const PYTHON_CANDIDATES = ['python3', 'python'];

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `python args`; resolves with its output even when it fails; rejects only when cancelled. */
export function runPython(python: string, args: string[], signal: AbortSignal, onLine?: (line: string) => void): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    // PYTHONIOENCODING: pip's and our own JSON stay UTF-8 whatever the locale.
    const child = spawn(python, args, { signal, env: { ...process.env, PYTHONIOENCODING: 'utf-8' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!onLine) return;
      const lines = (pending + d).split(/\r?\n/);
      pending = lines.pop() ?? '';
      lines.filter((l) => l.trim()).forEach(onLine);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (signal.aborted) reject(signal.reason);
      else resolve({ code: null, stdout, stderr: e.code === 'ENOENT' ? 'not found' : e.message });
    });
    child.on('close', (code) => {
      if (signal.aborted) reject(signal.reason);
      else resolve({ code, stdout, stderr });
    });
  });
}

/** The first interpreter that runs (with pip, when `withPip`), or an Error saying what was tried. */
export async function findPython(signal: AbortSignal, withPip: boolean): Promise<string> {
  const tried: string[] = [];
  for (const python of PYTHON_CANDIDATES) {
    const res = await runPython(python, withPip ? ['-m', 'pip', '--version'] : ['--version'], signal);
    if (res.code === 0) return python;
    tried.push(`${python}: ${lastLine(res.stderr) || `exit code ${res.code}`}`);
  }
  throw new Error(`no Python${withPip ? ' with pip' : ''} was found (${tried.join('; ')})`);
}

export function lastLine(text: string): string {
  return (
    text
      .trim()
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .at(-1)
      ?.trim() ?? ''
  );
}
