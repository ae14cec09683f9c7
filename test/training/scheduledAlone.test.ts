// The scheduled path with the training process alone (one core, or a batch too small to share),
// in a process of its own: see replicaRuns.ts.
import { describe } from 'node:test';
import { trainsAsTheFusedPath } from './replicaRuns';

describe('scheduled path, one process', () => {
  trainsAsTheFusedPath(1);
});
