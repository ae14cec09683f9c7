// The two steps every source is made of, each shown to the user as its own progress bar: a
// download (checked, see download.ts) and an unpack (see archive.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extract, type PickEntry } from './archive';
import { download } from './download';
import { megabytes } from '../protocol/format';
import type { SourceContext, StepProgress } from './source';

export async function downloadStep(url: string, dest: string, what: string, ctx: SourceContext, sha256?: string): Promise<void> {
  ctx.reporter.log(`downloading ${url}`);
  let step: StepProgress | undefined;
  try {
    const result = await download(url, dest, {
      signal: ctx.signal,
      sha256,
      onStart: (total) => {
        step = ctx.reporter.step(`Downloading ${what}${total ? ` (${megabytes(total)})` : ''}`, total);
      },
      onProgress: (bytes) => step?.report(bytes),
    });
    ctx.reporter.log(
      `downloaded ${megabytes(result.bytes)}${result.checked.length ? `; checked: ${result.checked.join(', ')}` : '; the source publishes no size or hash to check'}`,
    );
  } finally {
    step?.end();
  }
}

export async function unpackStep(archive: string, destDir: string, pick: PickEntry, what: string, ctx: SourceContext): Promise<string[]> {
  const step = ctx.reporter.step(`Unpacking ${what}`, (await fs.promises.stat(archive)).size);
  try {
    const written = await extract(archive, destDir, pick, { signal: ctx.signal, onProgress: (done) => step.report(done) });
    ctx.reporter.log(`unpacked ${written.length} file(s) from ${path.basename(archive)}: ${written.join(', ')}`);
    return written;
  } finally {
    step.end();
  }
}
