// The set-up's download against a local HTTP server: the size and the published hash checked, a
// damaged or cut download never left on disk, redirects followed, failures said in words, and a
// cancel that stops it.
import { strict as assert } from 'node:assert';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { download, DownloadError } from '../../src/runtime/download';

const BODY = crypto.randomBytes(300_000);
const MD5 = crypto.createHash('md5').update(BODY).digest('base64');
const SHA256 = crypto.createHash('sha256').update(BODY).digest('hex');

describe('runtime download', () => {
  let server: http.Server;
  let base: string;
  let dir: string;
  let closedPort: number;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'download-'));
    server = http.createServer((req, res) => {
      switch (req.url) {
        case '/file':
          res.writeHead(200, { 'content-length': BODY.length, 'x-goog-hash': `crc32c=AAAAAA==, md5=${MD5}` });
          res.end(BODY);
          break;
        case '/damaged':
          res.writeHead(200, {
            'content-length': BODY.length,
            'x-goog-hash': `md5=${crypto.createHash('md5').update('other').digest('base64')}`,
          });
          res.end(BODY);
          break;
        case '/cut':
          // Announces the whole file, sends a third of it, and hangs up.
          res.writeHead(200, { 'content-length': BODY.length });
          res.write(BODY.subarray(0, 100_000), () => res.destroy());
          break;
        case '/moved':
          res.writeHead(302, { location: '/file' });
          res.end();
          break;
        case '/slow':
          res.writeHead(200, { 'content-length': BODY.length });
          res.write(BODY.subarray(0, 1000));
          // ...and nothing more until the client gives up.
          break;
        default:
          res.writeHead(404, 'Not Found');
          res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
  });

  after(() => {
    server.closeAllConnections();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('downloads, reports the size and progress, and checks the size and the MD5 the server publishes', async () => {
    const dest = path.join(dir, 'ok');
    let total: number | undefined;
    let last = 0;
    const result = await download(`${base}/file`, dest, {
      onStart: (t) => {
        total = t;
      },
      onProgress: (b) => {
        last = b;
      },
    });
    assert.deepEqual(result, { bytes: BODY.length, checked: ['size', 'md5'] });
    assert.equal(total, BODY.length);
    assert.equal(last, BODY.length);
    assert.ok(fs.readFileSync(dest).equals(BODY));
  });

  it('follows redirects', async () => {
    const dest = path.join(dir, 'moved');
    await download(`${base}/moved`, dest);
    assert.ok(fs.readFileSync(dest).equals(BODY));
  });

  it('a file whose MD5 differs from the published one is an error and is deleted', async () => {
    const dest = path.join(dir, 'damaged');
    await assert.rejects(download(`${base}/damaged`, dest), (e: Error) => e instanceof DownloadError && /damaged \(MD5/.test(e.message));
    assert.ok(!fs.existsSync(dest));
  });

  it('a download cut short is an error and is deleted', async () => {
    const dest = path.join(dir, 'cut');
    await assert.rejects(download(`${base}/cut`, dest), DownloadError);
    assert.ok(!fs.existsSync(dest));
  });

  it('checks a SHA-256 the caller has (a package index publishes it), also for file:// addresses', async () => {
    const src = path.join(dir, 'local.bin');
    fs.writeFileSync(src, BODY);
    const ok = await download(pathToFileURL(src).toString(), path.join(dir, 'local-copy'), { sha256: SHA256 });
    assert.deepEqual(ok.checked, ['size', 'sha256']);
    const dest = path.join(dir, 'local-bad');
    await assert.rejects(download(pathToFileURL(src).toString(), dest, { sha256: '0'.repeat(64) }), /damaged \(SHA-256/);
    assert.ok(!fs.existsSync(dest));
  });

  it('says what went wrong: HTTP status, refused connection, missing file', async () => {
    await assert.rejects(download(`${base}/nothing`, path.join(dir, 'x')), /HTTP 404 Not Found/);
    await assert.rejects(download(`http://127.0.0.1:${closedPort}/file`, path.join(dir, 'x')), /connection was refused/);
    await assert.rejects(download(pathToFileURL(path.join(dir, 'absent.whl')).toString(), path.join(dir, 'x')), /no such file/);
    assert.ok(!fs.existsSync(path.join(dir, 'x')));
  });

  it('a silent server is given up after the idle timeout', async () => {
    await assert.rejects(download(`${base}/slow`, path.join(dir, 'idle'), { idleTimeoutMs: 300 }), /no answer for/);
    assert.ok(!fs.existsSync(path.join(dir, 'idle')));
  });

  it('cancel stops a download under way with the cancel reason and leaves no file', async () => {
    const dest = path.join(dir, 'cancelled');
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    const pending = download(`${base}/slow`, dest, { signal: controller.signal, onProgress: () => controller.abort(reason) });
    await assert.rejects(pending, (e) => e === reason);
    assert.ok(!fs.existsSync(dest));
  });
});
