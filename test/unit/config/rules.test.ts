import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/from-env.js';
import { parseRules } from '../../../src/config/rules-file.js';
import { ConfigError } from '../../../src/core/errors.js';

const REQUIRED = { MIRROR_TARGET_ID: 'tmt-0123456789abcdef0', MIRROR_FILTER_ID: 'tmf-0123456789abcdef0' };
const problems = (document: unknown) => parseRules(JSON.stringify(document), 'rules.json').problems;

describe('parseRules', () => {
  it('reads a valid rules document', () => {
    const text = JSON.stringify({
      rules: [
        { match: { tags: { 'ecs-traffic-mirror:mirror': 'false' } }, mirror: false },
        { match: { services: ['payments'], launchTypes: ['fargate'] }, packetLength: 128 },
        { targetsByAz: { 'use1-az1': ['tmt-0aaaaaaaaaaaaaaa1', 'tmt-0aaaaaaaaaaaaaaa2'] }, targetId: 'tmt-0bbbbbbbbbbbbbbb1' },
      ],
    });
    const parsed = parseRules(text, 'rules.json');
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules).toHaveLength(3);
    expect(parsed.rules[1]).toEqual({ match: { services: ['payments'], launchTypes: ['fargate'] }, packetLength: 128 });
  });

  it('accepts hostNetworkTasks instance-eni or skip, and names the field for anything else', () => {
    expect(parseRules(JSON.stringify({ rules: [{ hostNetworkTasks: 'skip' }, { hostNetworkTasks: 'instance-eni' }] }), 'rules.json')).toEqual({
      rules: [{ hostNetworkTasks: 'skip' }, { hostNetworkTasks: 'instance-eni' }],
      problems: [],
    });
    const [problem, ...more] = problems({ rules: [{ hostNetworkTasks: 'bridge' }] });
    expect(more).toEqual([]);
    expect(problem).toMatch(/^rules.json: rules\[0\]\.hostNetworkTasks/);
  });

  it('names the path of each bad field, one line per problem', () => {
    expect(
      problems({
        rules: [{}, {}, { targetsByAz: { 'use1-az1': ['tmt-nope'] }, packetLength: 9000, pakcetLength: 1, match: { availabilityZoneIds: ['us-east-1a'] } }],
      }),
    ).toEqual([
      "rules.json: rules[2].match.availabilityZoneIds[0]: not an AZ id like use1-az1 (AZ names differ between accounts: use ids)",
      'rules.json: rules[2].targetsByAz.use1-az1[0]: not a tmt- id',
      'rules.json: rules[2].packetLength: not a whole number from 1 to 8500',
      "rules.json: rules[2]: unknown field 'pakcetLength'",
    ]);
    expect(problems({ rules: [{ mirror: 'no' }] })).toEqual(['rules.json: rules[0].mirror: must be true or false']);
    expect(problems({})).toEqual(['rules.json: rules: is missing']);
    expect(problems({ rules: [{ targetId: 'tmt-0123456789abcdef0', targetIds: ['tmt-0123456789abcdef1'] }] })).toEqual([
      'rules.json: rules[0]: sets both targetId and targetIds: set one',
    ]);
    expect(parseRules('{', 'rules.json').problems).toEqual([expect.stringMatching(/^rules\.json: not valid JSON/)]);
  });
});

describe('loadConfig: rules', () => {
  it('has no rules by default, and reads them from MIRROR_RULES_FILE or MIRROR_RULES', () => {
    expect(loadConfig(REQUIRED).rules).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ rules: [{ mirror: false }] }));
    expect(loadConfig({ ...REQUIRED, MIRROR_RULES_FILE: file }).rules).toEqual([{ mirror: false }]);
    expect(loadConfig({ ...REQUIRED, MIRROR_RULES: '{"rules":[{"packetLength":64}]}' }).rules).toEqual([{ packetLength: 64 }]);
  });

  it('refuses both at once, an unreadable file and bad rules, with the other problems', () => {
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    };
    expect(problemsOf({ ...REQUIRED, MIRROR_RULES_FILE: '/nonexistent/rules.json', MIRROR_RULES: '{}' })).toEqual(['MIRROR_RULES_FILE and MIRROR_RULES are both set: set one']);
    expect(problemsOf({ ...REQUIRED, MIRROR_RULES_FILE: '/nonexistent/rules.json' })).toEqual(['MIRROR_RULES_FILE /nonexistent/rules.json: cannot read it: ENOENT']);
    expect(problemsOf({ MIRROR_FILTER_ID: REQUIRED.MIRROR_FILTER_ID, MIRROR_RULES: '{"rules":[{"sessionNumber":0}]}' })).toEqual([
      expect.stringMatching(/^MIRROR_TARGET_ID is required/),
      'MIRROR_RULES: rules[0].sessionNumber: not a whole number from 1 to 32766',
    ]);
  });
});
