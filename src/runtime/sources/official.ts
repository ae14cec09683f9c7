// Source (a): tfjs-node's own binaries from Google's storage, what `npm install
// @tensorflow/tfjs-node` downloads on a normal machine: libtensorflow 2.9.1 for this platform and
// tfjs-node's prebuilt addon built against it. Neither needs a compiler.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LIBTENSORFLOW_VERSION, officialOs, officialUrls } from '../platforms';
import { linkLibraryAliases, type RuntimeSource, type SourceContext } from '../source';
import { downloadStep, unpackStep } from '../steps';
import { NAPI_FOLDER } from '../../protocol/runtime';

/** `lib/libtensorflow.so.2.9.1` -> `deps/lib/...`; on Windows the DLL goes next to the addon, where Windows looks for it. */
function pickLibrary(windows: boolean) {
  return (entry: string): string | undefined => {
    const m = /^(?:\.\/)?lib\/([^/]+)$/.exec(entry);
    if (!m) return undefined;
    if (windows) return m[1].toLowerCase() === 'tensorflow.dll' ? `lib/${NAPI_FOLDER}/tensorflow.dll` : undefined;
    return `deps/lib/${m[1]}`;
  };
}

/** node-pre-gyp's archive holds `<napi folder>/tfjs_binding.node`. */
function pickAddon(entry: string): string | undefined {
  return /(^|\/)tfjs_binding\.node$/.test(entry) ? `lib/${NAPI_FOLDER}/tfjs_binding.node` : undefined;
}

export const officialSource: RuntimeSource = {
  kind: 'official',
  title: "tfjs-node's official binaries",
  neededBytes: 1.5e9,
  async install(dir: string, ctx: SourceContext): Promise<string> {
    const urls = officialUrls(ctx.flavor, ctx.platform, ctx.arch);
    if (!urls) throw new Error(`there are no official ${ctx.flavor} binaries for ${ctx.platform}-${ctx.arch}`);
    const downloads = path.join(dir, '.downloads');
    await fs.promises.mkdir(downloads, { recursive: true });
    const library = path.join(downloads, path.basename(urls.library));
    const addon = path.join(downloads, path.basename(urls.addon));
    const what = `libtensorflow ${LIBTENSORFLOW_VERSION} (${ctx.flavor.toUpperCase()})`;
    await downloadStep(urls.library, library, what, ctx);
    await downloadStep(urls.addon, addon, 'the tfjs-node addon', ctx);
    await unpackStep(library, dir, pickLibrary(officialOs(ctx.platform, ctx.arch) === 'windows'), what, ctx);
    await unpackStep(addon, dir, pickAddon, 'the tfjs-node addon', ctx);
    await fs.promises.rm(downloads, { recursive: true, force: true });
    linkLibraryAliases(dir);
    return `tfjs-node's official ${ctx.flavor.toUpperCase()} binaries (libtensorflow ${LIBTENSORFLOW_VERSION})`;
  },
};
