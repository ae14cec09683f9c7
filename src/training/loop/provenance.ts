// What a checkpoint records of how its run can be made again, beyond its hyperparameters, device
// and training path: the extension's and TensorFlow's versions, where the run was started, and
// the git state of the repository that holds the weights folder (`git` itself, if it is there:
// a folder outside a repository, or a machine without git, records none).
import { spawnSync } from 'node:child_process';
import extensionPackage from '../../../package.json';
import type { Provenance } from '../../protocol/checkpointFormat';
import type { RunOrigin } from '../../protocol/training';
import type { Backend } from '../native/backend';
import { tfjsNodeInternals } from '../native/internals';

function git(dir: string, args: string[]): string | undefined {
  const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The commit of the repository holding `dir` and whether its tracked files differ from it (new checkpoints are untracked). */
export function gitState(dir: string): Provenance['git'] {
  const commit = git(dir, ['rev-parse', 'HEAD']);
  if (!commit) return undefined;
  const status = git(dir, ['status', '--porcelain', '--untracked-files=no']);
  return status === undefined ? undefined : { commit, dirty: status !== '' };
}

export function provenance(backend: Backend, origin: RunOrigin | undefined, weightsDir: string): Provenance {
  const git = gitState(weightsDir);
  return {
    extension: extensionPackage.version,
    tfjs: backend.tf.version.tfjs,
    ...(backend.native ? { tensorflow: tfjsNodeInternals(backend.native).tensorflowVersion } : {}),
    ...(origin ? { origin } : {}),
    ...(git ? { git } : {}),
  };
}
