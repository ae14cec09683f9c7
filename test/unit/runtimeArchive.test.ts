// The set-up's unpacking of tfjs-node's .tar.gz archives and Python's .zip wheels: only the
// picked entries, renamed as picked, symbolic links kept, nothing outside the destination, and
// readable errors for what is not an archive or holds nothing needed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar';
import { ArchiveError, extract } from '../../src/runtime/archive';

describe('runtime archives', () => {
  let dir: string;
  let tarball: string;
  let zip: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-'));
    // libtensorflow's layout: lib/ with the library and its version links, include/ with headers.
    const src = path.join(dir, 'src');
    fs.mkdirSync(path.join(src, 'lib'), { recursive: true });
    fs.mkdirSync(path.join(src, 'include', 'tensorflow'), { recursive: true });
    fs.writeFileSync(path.join(src, 'lib', 'libtensorflow.so.2.9.1'), 'library');
    fs.symlinkSync('libtensorflow.so.2.9.1', path.join(src, 'lib', 'libtensorflow.so.2'));
    fs.writeFileSync(path.join(src, 'include', 'tensorflow', 'c_api.h'), 'header');
    tarball = path.join(dir, 'libtensorflow.tar.gz');
    await tar.c({ gzip: true, file: tarball, cwd: src }, ['./lib', './include']);
    // A wheel is a zip; Python writes one the way pip's wheels are (no third-party zip writer here).
    zip = path.join(dir, 'tensorflow.whl');
    const made = spawnSync('python3', [
      '-c',
      `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('tensorflow/__init__.py', '')
    z.writestr('tensorflow/libtensorflow_cc.so.2', 'cc' * 50000)
    z.writestr('tensorflow/libtensorflow_framework.so.2', 'framework')
    z.writestr('tensorflow-2.21.0.dist-info/METADATA', 'Name: tensorflow')
`,
      zip,
    ]);
    assert.equal(made.status, 0, made.stderr?.toString());
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('unpacks the picked entries of a .tar.gz under new names, with its symbolic links, and reports progress', async () => {
    const dest = path.join(dir, 'tar-out');
    const progress: number[] = [];
    const written = await extract(
      tarball,
      dest,
      (entry) => {
        const m = /^(?:\.\/)?lib\/([^/]+)$/.exec(entry);
        return m ? `deps/lib/${m[1]}` : undefined;
      },
      { onProgress: (done) => progress.push(done) },
    );
    assert.deepEqual(written.sort(), ['deps/lib/libtensorflow.so.2', 'deps/lib/libtensorflow.so.2.9.1']);
    assert.equal(fs.readFileSync(path.join(dest, 'deps', 'lib', 'libtensorflow.so.2.9.1'), 'utf8'), 'library');
    assert.equal(fs.readlinkSync(path.join(dest, 'deps', 'lib', 'libtensorflow.so.2')), 'libtensorflow.so.2.9.1');
    assert.ok(!fs.existsSync(path.join(dest, 'include')), 'entries not picked are not written');
    assert.equal(progress.at(-1), fs.statSync(tarball).size);
  });

  it('unpacks the picked entries of a zip (a wheel), and reports progress up to its size', async () => {
    const dest = path.join(dir, 'zip-out');
    let last = 0;
    const written = await extract(
      zip,
      dest,
      (entry) => {
        const m = /^tensorflow\/(libtensorflow_[a-z]+\.so\.2)$/.exec(entry);
        return m ? `deps/lib/${m[1]}` : undefined;
      },
      {
        onProgress: (done) => {
          last = done;
        },
      },
    );
    assert.deepEqual(written.sort(), ['deps/lib/libtensorflow_cc.so.2', 'deps/lib/libtensorflow_framework.so.2']);
    assert.equal(fs.readFileSync(path.join(dest, 'deps', 'lib', 'libtensorflow_cc.so.2'), 'utf8'), 'cc'.repeat(50000));
    assert.deepEqual(fs.readdirSync(dest), ['deps']);
    assert.equal(last, fs.statSync(zip).size);
  });

  it('refuses to write outside the destination, whatever the archive or the pick says', async () => {
    for (const archive of [tarball, zip]) {
      const dest = path.join(dir, `escape-${path.basename(archive)}`);
      await assert.rejects(
        extract(archive, dest, () => '../escaped'),
        (e: Error) => e instanceof ArchiveError && /outside the destination/.test(e.message),
      );
      assert.ok(!fs.existsSync(path.join(dir, 'escaped')));
    }
  });

  it('says so when a file is not an archive, or holds none of the files needed', async () => {
    const notArchive = path.join(dir, 'page.html');
    fs.writeFileSync(notArchive, '<html>a proxy login page</html>');
    await assert.rejects(
      extract(notArchive, path.join(dir, 'x'), () => 'a'),
      /page\.html is neither a \.tar\.gz nor a \.zip archive/,
    );
    await assert.rejects(
      extract(zip, path.join(dir, 'y'), () => undefined),
      /tensorflow\.whl holds none of the files needed/,
    );
  });

  it('cancel stops it with the cancel reason', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    controller.abort(reason);
    await assert.rejects(
      extract(zip, path.join(dir, 'cancelled'), (e) => e, { signal: controller.signal }),
      (e) => e === reason,
    );
  });
});
