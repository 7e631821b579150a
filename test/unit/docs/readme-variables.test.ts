import { describe, expect, it } from 'vitest';
import { HUB_VARIABLES } from '../../../src/contract/members.js';
import { CONFIG_VARIABLES } from '../../../src/contract/variables.js';
import { readme, section, table } from '../../support/readme.js';

describe("the README's variable table", () => {
  it('lists exactly the variables of CONFIG_VARIABLES, then the hub\'s (HUB_VARIABLES), in the same order', () => {
    // prepare
    const rows = table(section(readme(), '## Configuration'), 'variable');
    // act
    const names = rows.map(([name]) => (name ?? '').replace(/`/g, ''));
    // assess
    expect(names).toEqual([...CONFIG_VARIABLES, ...HUB_VARIABLES].map(([name]) => name));
  });
});
