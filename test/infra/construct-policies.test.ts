import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { constructPoliciesFileText } from '../../infra/synthesized-policies.js';
import { REPO_ROOT } from './helpers.js';

describe('src/emulator/iam/construct-policies.json (the demo runs under it)', () => {
  it('equals what the construct synthesizes today (regenerate with npm run gen:policies)', () => {
    const committed = readFileSync(`${REPO_ROOT}/src/emulator/iam/construct-policies.json`, 'utf8');
    expect(committed).toBe(constructPoliciesFileText());
  });
});
