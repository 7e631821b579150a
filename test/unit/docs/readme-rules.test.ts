import { describe, expect, it } from 'vitest';
import { parseRules } from '../../../src/config/rules-file.js';
import { codeBlocks, readme, section } from '../../support/readme.js';

describe("the README's rules example", () => {
  it('is a valid rules file', () => {
    const blocks = codeBlocks(section(readme(), '## Rules: per service, per-AZ pools, opt-out'));
    const example = blocks.find((block) => block.body.trimStart().startsWith('{'));
    expect(example).toBeDefined();
    const parsed = parseRules(example?.body ?? '', 'README');
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules).toHaveLength(3);
  });
});
