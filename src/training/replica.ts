// Entry of a training replica, a process the training process starts per core (replicaPool.ts):
// it holds the training images as tensors and, for the weights and the batch rows it is sent,
// returns the scheduled gradient of its shard (scheduledGradient.ts). Its own process, because
// TensorFlow's small products run fastest on one thread each: two replicas keep two cores busy
// where one process with two threads does not. It exits when its parent goes.
import { isReplicaCommand, type ReplicaReply } from './replicaProtocol';
import { loadBackend } from './backend';
import { loadDataset } from './dataset';
import { ExchangeFile } from './exchangeFile';
import { ShardTrainer } from './shardTrainer';
import { tensorsFromSplit } from './tensors';

if (!process.send) {
  process.stderr.write('replica.js is started by the training process\n');
  process.exit(2);
}

let state: { shard: ShardTrainer; exchange: ExchangeFile; weights: Float32Array } | undefined;

function reply(message: ReplicaReply): void {
  process.send!(message);
}

process.on('message', (message: unknown) => {
  void (async () => {
    if (!isReplicaCommand(message)) {
      reply({ type: 'failed', message: `replica: unexpected message ${JSON.stringify(message)}` });
      return;
    }
    try {
      if (message.type === 'init') {
        const { tf } = loadBackend('cpu');
        const data = await loadDataset({ dataDir: message.dataDir, trainSize: message.trainSize, trainOnly: true });
        const shard = new ShardTrainer(tf, message.spec, tensorsFromSplit(tf, data.train, data.rows, data.cols));
        const weights = new Float32Array(shard.weightCount);
        state = { shard, exchange: ExchangeFile.open(message.exchange, weights.length), weights };
        reply({ type: 'ready' });
        return;
      }
      if (!state) throw new Error('replica: a step before init');
      state.exchange.readWeights(state.weights);
      const { grad, ...rest } = state.shard.compute(state.weights, message.indices, message.scale, message.profile);
      state.exchange.writeGradient(grad);
      reply({ type: 'gradient', ...rest });
    } catch (e) {
      reply({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  })();
});

process.on('disconnect', () => process.exit(0));
