import type { Ec2Emulation } from '../ec2/index.js';
import type { EcsEmulator } from '../ecs/index.js';
import type { InstanceRegistry } from '../instances.js';
import type { NetworkRegistry } from '../network.js';
import { createIamAuthorizer, type IamAuthorizer } from './authorizer.js';
import type { IamPolicies } from './policies.js';

/** The authorizer over the emulator's own state: ENIs' subnets and VPCs, sessions' and tasks' tags. */
export function emulatorIam(
  scope: { region: string; accountId: string },
  policies: IamPolicies,
  state: { ec2: Ec2Emulation; ecs: EcsEmulator; network: NetworkRegistry; instances: InstanceRegistry },
): IamAuthorizer {
  return createIamAuthorizer({
    scope: { partition: 'aws', region: scope.region, accountId: scope.accountId },
    policies,
    ec2: {
      networkInterface: (id) => state.network.enis.get(id),
      subnet: (id) => state.network.subnets.get(id),
      instance: (id) => {
        const instance = state.instances.instances.get(id);
        return instance && { instanceType: instance.instanceType, availabilityZone: instance.availabilityZone, tags: Object.fromEntries(instance.tags) };
      },
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
      // Every ECS resource's tags, as ListTagsForResource reads them: aws:ResourceTag/* on any of them.
      resourceTags: (arn) => state.ecs.resourceTags(arn),
    },
  });
}
