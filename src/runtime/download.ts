// Downloads one file with progress, cancellation and checks: the size the server announced, and
// the hash the source publishes (an MD5 in Google Cloud Storage's `x-goog-hash` header, a SHA-256
// from the Python package index). http(s) and file:// (a local package index) alike. A file that
// fails a check is deleted, never used.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called once the size is known (undefined when the server does not say). */
  onStart?(totalBytes: number | undefined): void;
  onProgress?(receivedBytes: number): void;
  /** Hex SHA-256 the file must have. */
  sha256?: string;
  /** A connection silent for this long is given up (default 60 s). */
  idleTimeoutMs?: number;
}

export interface Downloaded {
  bytes: number;
  /** What was checked, for the log: e.g. ["size", "md5"]. */
  checked: string[];
}

const MAX_REDIRECTS = 5;
const IDLE_TIMEOUT_MS = 60_000;

interface Response {
  stream: NodeJS.ReadableStream;
  total?: number;
  /** Base64 MD5 the server published. */
  md5?: string;
}

export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<Downloaded> {
  options.signal?.throwIfAborted();
  const response = url.startsWith('file:') ? openFile(url) : await request(url, options, MAX_REDIRECTS);
  options.onStart?.(response.total);
  // Only the hashes there is something to compare with: hashing 800 MB costs seconds.
  const md5 = response.md5 !== undefined ? crypto.createHash('md5') : undefined;
  const sha256 = options.sha256 !== undefined ? crypto.createHash('sha256') : undefined;
  let bytes = 0;
  // A body that stops arriving (the socket's own timeout covers only the wait for the answer).
  const idleMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  let stalled: DownloadError | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const rearm = (): void => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stalled = new DownloadError(`${url}: no answer for ${Math.round(idleMs / 1000)} s`);
      (response.stream as NodeJS.ReadableStream & { destroy(e?: Error): void }).destroy(stalled);
    }, idleMs);
  };
  rearm();
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      rearm();
      bytes += chunk.length;
      md5?.update(chunk);
      sha256?.update(chunk);
      options.onProgress?.(bytes);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(response.stream, meter, fs.createWriteStream(dest), { signal: options.signal });
    clearTimeout(watchdog);
    const checked: string[] = [];
    if (response.total !== undefined) {
      if (bytes !== response.total) throw new DownloadError(`${url}: the download is incomplete (${bytes} of ${response.total} bytes)`);
      checked.push('size');
    }
    if (md5) {
      const got = md5.digest('base64');
      if (got !== response.md5)
        throw new DownloadError(`${url}: the download is damaged (MD5 ${got}, the server published ${response.md5})`);
      checked.push('md5');
    }
    if (sha256 && options.sha256) {
      const got = sha256.digest('hex');
      if (got !== options.sha256.toLowerCase())
        throw new DownloadError(`${url}: the download is damaged (SHA-256 ${got}, the index published ${options.sha256})`);
      checked.push('sha256');
    }
    return { bytes, checked };
  } catch (e) {
    clearTimeout(watchdog);
    await fs.promises.rm(dest, { force: true });
    if (options.signal?.aborted) throw options.signal.reason;
    if (stalled) throw stalled;
    if (e instanceof DownloadError) throw e;
    throw new DownloadError(`${url}: ${(e as Error).message}`);
  }
}

function openFile(url: string): Response {
  const file = fileURLToPath(url);
  let total: number;
  try {
    total = fs.statSync(file).size;
  } catch (e) {
    throw new DownloadError(`${url}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return { stream: fs.createReadStream(file), total };
}

/** GET with redirects; resolves once a 200 response has started. */
function request(url: string, options: DownloadOptions, redirectsLeft: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : url.startsWith('http:') ? http.get : undefined;
    if (!get) {
      reject(new DownloadError(`${url}: unsupported address`));
      return;
    }
    const req = get(url, { signal: options.signal, timeout: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirectsLeft === 0) {
          reject(new DownloadError(`${url}: too many redirects`));
          return;
        }
        request(new URL(res.headers.location, url).toString(), options, redirectsLeft - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new DownloadError(`${url}: HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`));
        return;
      }
      // From here on download()'s watchdog times the body (one timer, one message).
      req.setTimeout(0);
      const length = Number(res.headers['content-length']);
      resolve({ stream: res, total: Number.isSafeInteger(length) ? length : undefined, md5: publishedMd5(res.headers['x-goog-hash']) });
    });
    req.on('timeout', () =>
      req.destroy(new DownloadError(`${url}: no answer for ${Math.round((options.idleTimeoutMs ?? IDLE_TIMEOUT_MS) / 1000)} s`)),
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (options.signal?.aborted) reject(options.signal.reason);
      else if (e instanceof DownloadError) reject(e);
      else reject(new DownloadError(`${url}: ${describeNetworkError(e)}`));
    });
  });
}

/** `x-goog-hash: crc32c=..., md5=...` (one header or several). */
function publishedMd5(header: string | string[] | undefined): string | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const part of values.flatMap((v) => v.split(','))) {
    const m = /^\s*md5=(.+?)\s*$/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

function describeNetworkError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host cannot be found (${e.code}): offline, or blocked by a firewall or proxy`;
    case 'ECONNREFUSED':
      return 'the connection was refused (ECONNREFUSED)';
    case 'ECONNRESET':
      return 'the connection was reset (ECONNRESET)';
    case 'ETIMEDOUT':
      return 'the connection timed out (ETIMEDOUT)';
    default:
      return e.message;
  }
}
