// The panel's messages travel as JSON, which has no NaN: non-finite numbers are encoded on the way
// and decoded before the panel checks the message.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeNonFinite, encodeNonFinite } from '../../src/protocol/nonFinite';

const viaJson = (v: unknown): unknown => decodeNonFinite(JSON.parse(JSON.stringify(encodeNonFinite(v))));

describe('non-finite numbers through JSON', () => {
  it('come back as NaN, Infinity and -Infinity, wherever they are; strings and other objects stay as they were', () => {
    const message = {
      type: 'event',
      entry: {
        event: { type: 'evaluation', result: { loss: NaN, accuracy: 0.1, perClassAccuracy: [0.5, Infinity], confusion: [[-Infinity]] } },
      },
      name: 'NaN',
      other: { $nonFinite: 'not a number word' },
    };
    assert.deepEqual(viaJson(message), message);
    const back = viaJson(message) as typeof message;
    assert.ok(Number.isNaN(back.entry.event.result.loss));
    assert.equal(back.name, 'NaN', 'a string is never decoded');
    assert.equal(JSON.parse(JSON.stringify(message)).entry.event.result.loss, null, 'JSON alone loses it');
  });

  it('leaves a message without any as the same object', () => {
    const message = { type: 'running', job: { id: 'j', startedAt: 1 }, values: [1, 2, 3] };
    assert.equal(encodeNonFinite(message), message);
    assert.equal(decodeNonFinite(message), message);
  });
});
