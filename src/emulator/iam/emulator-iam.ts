import type { Ec2Emulation } from '../ec2/index.js';
import type { EcsEmulator } from '../ecs/index.js';
import type { NetworkRegistry } from '../network.js';
import { createIamAuthorizer, type IamAuthorizer } from './authorizer.js';
import type { IamPolicies } from './policies.js';

/** The authorizer over the emulator's own state: ENIs' subnets and VPCs, sessions' and tasks' tags. */
export function emulatorIam(
  scope: { region: string; accountId: string },
  policies: IamPolicies,
  state: { ec2: Ec2Emulation; ecs: EcsEmulator; network: NetworkRegistry },
): IamAuthorizer {
  return createIamAuthorizer({
    scope: { partition: 'aws', region: scope.region, accountId: scope.accountId },
    policies,
    ec2: {
      networkInterface: (id) => state.network.enis.get(id),
      sessionTags: (id) => {
        try {
          const [session] = state.ec2.describeSessions({ ids: [id] }).items;
          return session && Object.fromEntries(session.tagSet.map((tag) => [tag.key, tag.value]));
        } catch {
          return undefined;
        }
      },
    },
    ecs: {
      resourceTags: (arn) => {
        const tags = state.ecs.describeTask(arn)?.['tags'];
        if (!Array.isArray(tags)) return undefined;
        return Object.fromEntries(
          tags.flatMap((tag: unknown) => {
            const { key, value } = (tag ?? {}) as { key?: unknown; value?: unknown };
            return typeof key === 'string' ? [[key, typeof value === 'string' ? value : '']] : [];
          }),
        );
      },
    },
  });
}
