// What Delete Checkpoint acts on: the Delete key (nothing passed) takes the whole selection; the
// context menu's clicked item takes the selection it belongs to, or itself alone; an array or a
// single target from other callers, with their options; and how dialogs name the checkpoints.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkpointNames, checkpointsPhrase, deleteRequest } from '../../src/extension/deleteTargets';

class Item {
  constructor(readonly name: string) {}
}
const isItem = (v: unknown): v is Item => v instanceof Item;
const [a, b, c] = [new Item('a'), new Item('b'), new Item('c')];
const noDialog = { confirm: false };

describe('deleteRequest', () => {
  it('the Delete key (no argument): every selected item, with the options', () => {
    assert.deepEqual(deleteRequest(undefined, undefined, [a, b], isItem), { targets: [a, b], options: undefined });
    assert.deepEqual(deleteRequest(undefined, noDialog, [c], isItem), { targets: [c], options: noDialog });
  });

  it('the context menu: the selection passed beside the clicked item, when the item is in it', () => {
    assert.deepEqual(deleteRequest(b, [a, b], [a, b], isItem), { targets: [a, b], options: undefined });
    assert.deepEqual(deleteRequest(c, [a, b], [a, b], isItem), { targets: [c], options: undefined });
  });

  it('other callers: one target or an array of them, with the options', () => {
    assert.deepEqual(deleteRequest('/w/weights/r1', noDialog, [a], isItem), { targets: ['/w/weights/r1'], options: noDialog });
    assert.deepEqual(deleteRequest(['/w/r1', '/w/r2'], noDialog, [a], isItem), { targets: ['/w/r1', '/w/r2'], options: noDialog });
  });
});

describe('checkpoint names in dialogs', () => {
  it('names one, a few, and the first five of many', () => {
    assert.equal(checkpointNames(['/w/weights/r1']), '"r1"');
    assert.equal(checkpointNames(['/w/r1', '/w/r2', '/w/r3']), '"r1", "r2" and "r3"');
    const many = Array.from({ length: 8 }, (_, i) => `/w/r${i + 1}`);
    assert.equal(checkpointNames(many), '"r1", "r2", "r3", "r4", "r5" and 3 more');
  });

  it('speaks of "the checkpoint" or of how many', () => {
    assert.equal(checkpointsPhrase(['/w/weights/r1']), 'the checkpoint "r1"');
    assert.equal(checkpointsPhrase(['/w/r1', '/w/r2']), '2 checkpoints');
  });
});
