// The test runner that runs inside VS Code's extension host: @vscode/test-electron (through the
// code-server launcher) loads this file as extensionTestsPath and awaits run(); a rejection makes
// the workbench exit with code 1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  return runMochaIn(__dirname);
}

/** Runs every `*.test.js` below `dir` with mocha; rejects when any fails. */
export function runMochaIn(dir: string): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    // Tests that train a model take 30-60 s on a quiet 2-core machine; CI machines are noisy.
    timeout: 180_000,
    // The output is forwarded into log lines, where colour codes would be noise.
    color: false,
  });
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(dir, f));

  return new Promise((resolve, reject) => {
    // CI counts the tests from this line, printed alone.
    const summary = (passed: number, failed: number): void => console.log(`${passed} passed, ${failed} failed`);
    try {
      const runner = mocha.run((failures) => {
        summary(runner.stats?.passes ?? 0, failures);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (err) {
      // A test file that throws while loading: nothing ran, and the run must fail.
      summary(0, 1);
      reject(err);
    }
  });
}
