// The source's rooms keep the design that docs/ARCHITECTURE.md draws: no import circles, imports
// between rooms in one direction only, src/protocol free of Node's file access (the webview
// bundles it), and tfjs-node's insides reached from src/training/native alone.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const SPECIFIER = /(?:\bfrom|\bimport\s*\(?|\brequire\()\s*'([^']+)'/g;

/** Every .ts file under src, by its path from the repository's root, with what it imports. */
function sources(): Map<string, string[]> {
  const files = (fs.readdirSync(path.join(root, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join('src', f));
  return new Map(files.map((f) => [f, [...fs.readFileSync(path.join(root, f), 'utf8').matchAll(SPECIFIER)].map((m) => m[1])]));
}

/** The file a relative specifier of `from` names (index files are not used here). */
const resolve = (from: string, spec: string): string => path.join(path.dirname(from), `${spec}.ts`);

/** A file's room: its folder under src, and under src/training its sub-folder. */
function room(file: string): string {
  const parts = file.split(path.sep);
  return parts[1] === 'training' && parts.length > 3 ? `training/${parts[2]}` : parts[1];
}

/** Which rooms a room may import from: each only from those below it in ARCHITECTURE.md's picture. */
const BELOW: Record<string, string[]> = {
  protocol: [],
  checkpoint: ['protocol'],
  runtime: ['protocol', 'checkpoint'],
  client: ['protocol', 'checkpoint'],
  cli: ['protocol', 'checkpoint', 'client'],
  extension: ['protocol', 'checkpoint', 'client', 'runtime'],
  'training/native': ['protocol', 'runtime'],
  'training/data': ['protocol', 'training/native'],
  'training/optim': ['protocol', 'training/native'],
  'training/model': ['protocol', 'checkpoint', 'training/native'],
  'training/graph': ['protocol', 'training/native', 'training/model', 'training/optim'],
  'training/portable': ['protocol', 'training/native', 'training/data', 'training/model', 'training/graph'],
  'training/loop': [
    'protocol',
    'checkpoint',
    'training/native',
    'training/data',
    'training/model',
    'training/optim',
    'training/graph',
    'training/portable',
  ],
  training: [
    'protocol',
    'checkpoint',
    'runtime',
    'training/native',
    'training/data',
    'training/model',
    'training/optim',
    'training/graph',
    'training/portable',
    'training/loop',
  ],
};

describe('the rooms of src', () => {
  const files = sources();

  it('have no import circle', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      assert.notEqual(state.get(file), 'visiting', `an import circle: ${[...trail, file].join(' -> ')}`);
      state.set(file, 'visiting');
      for (const spec of files.get(file) ?? []) if (spec.startsWith('.')) visit(resolve(file, spec), [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files.keys()) visit(file, []);
  });

  it('import from the rooms below them only', () => {
    const wrong: string[] = [];
    for (const [file, specs] of files) {
      const from = room(file);
      assert.ok(BELOW[from], `${file} is in a room the picture does not have: ${from}`);
      // The project's manifest is no room: any room may read it (the extension's version).
      for (const spec of specs.filter((s) => s.startsWith('.') && path.join(path.dirname(file), s) !== 'package.json')) {
        const to = room(resolve(file, spec));
        if (to !== from && !BELOW[from].includes(to)) wrong.push(`${file} imports ${spec} (${from} -> ${to})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("keep src/protocol free of Node (the webview bundles it), and tfjs-node's insides in src/training/native", () => {
    for (const [file, specs] of files) {
      if (room(file) === 'protocol')
        assert.deepEqual(
          specs.filter((s) => s.startsWith('node:')),
          [],
          `${file} imports Node`,
        );
      if (room(file) !== 'training/native') {
        assert.deepEqual(
          specs.filter((s) => s.startsWith('@tensorflow/tfjs-node/') && s !== '@tensorflow/tfjs-node/package.json'),
          [],
          `${file} reaches into tfjs-node's files`,
        );
      }
    }
  });
});
