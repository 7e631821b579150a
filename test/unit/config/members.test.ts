import { describe, expect, it } from 'vitest';
import { isHub, loadHubConfig, membersOf } from '../../../src/config/members.js';
import { ConfigError } from '../../../src/core/errors.js';

describe('hub configuration', () => {
  it('reads the registry, the role name and the external id', () => {
    const env = {
      MIRROR_MEMBER_ROLE_NAME: 'mirror-member',
      MIRROR_MEMBER_EXTERNAL_ID: 'ext-1',
      MIRROR_MEMBERS: '[{"account":"222222222222","region":"eu-west-1","filterId":"tmf-0123456789abcdef0"}]',
    };
    expect(isHub(env)).toBe(true);
    expect(loadHubConfig(env)).toEqual({ roleName: 'mirror-member', externalId: 'ext-1', members: [{ accountId: '222222222222', region: 'eu-west-1', filterId: 'tmf-0123456789abcdef0' }] });
    expect(isHub({})).toBe(false);
  });

  it('names every problem with its variable', () => {
    const error = (() => {
      try {
        loadHubConfig({ MIRROR_MEMBER_ROLE_NAME: 'bad role', MIRROR_MEMBER_EXTERNAL_ID: 'x', MIRROR_MEMBERS: '[{"account":"12","region":"eu-west-1"},{"account":"222222222222","region":"eu-west-1"},{"account":"222222222222","region":"eu-west-1"}]' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.some((p) => p.startsWith('MIRROR_MEMBER_ROLE_NAME:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('MIRROR_MEMBER_EXTERNAL_ID:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('MIRROR_MEMBERS: 0.account'))).toBe(true);
    expect(() => loadHubConfig({ MIRROR_MEMBERS: '[{"account":"222222222222","region":"eu-west-1"},{"account":"222222222222","region":"eu-west-1"}]' })).toThrow('listed twice');
    expect(() => loadHubConfig({ MIRROR_MEMBERS: 'nope' })).toThrow('not JSON');
  });

  it('crosses accounts and Regions', () => {
    expect(membersOf(['1', '2'], ['a', 'b']).map((m) => `${m.accountId}/${m.region}`)).toEqual(['1/a', '1/b', '2/a', '2/b']);
  });
});
