// The packaged extension as the tests use it: where `npm run package` puts each platform's .vsix,
// building it when it is not there, and what a .vsix (a zip) holds.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';

export const root = path.resolve(__dirname, '..', '..', '..'); // these files run from out/test/package/

export function vsixPath(platform: string): string {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(root, 'out', 'package', `${name}-${platform}-${version}.vsix`);
}

/** Runs `npm run package` (on the bundles `npm test` built) for `targets`; returns what it printed. */
export function runPackage(targets: string[] = []): string {
  const res = spawnSync('npm', ['run', 'package', '--', '--skip-build', ...targets.flatMap((t) => ['--target', t])], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (res.status !== 0) throw new Error(`npm run package failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

/** The platform's .vsix, built if missing. */
export function packageFor(platform: string): string {
  const file = vsixPath(platform);
  if (!fs.existsSync(file)) runPackage([platform]);
  return file;
}

/** Every file name in a zip. */
export function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** One file of a zip, as text. */
export function zipText(file: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== name) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(e, (err2, stream) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      zip.on('end', () => reject(new Error(`${name} is not in ${file}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
