// docs/CLI.md shows the command line's usage text: the same text `--help` prints, so the two
// cannot drift apart.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { USAGE } from '../../src/cli/args';

const DOC = path.resolve(__dirname, '../../../docs/CLI.md');

describe('docs/CLI.md', () => {
  it('shows the usage text that --help prints, word for word', () => {
    const block = /```text\n([\s\S]*?)\n```/.exec(fs.readFileSync(DOC, 'utf8'));
    assert.ok(block, `${DOC} has no \`\`\`text block`);
    assert.equal(block[1], USAGE, `${DOC}'s usage block differs from src/cli/args.ts's USAGE: put this in its place:\n${USAGE}`);
  });
});
