export { accessKeyIdOf } from './access-key.js';
export { createIamAuthorizer, isAllowed, type DeniedCall, type IamAuthorizer, type IamCall } from './authorizer.js';
export { EC2_AUTHORIZATIONS, type Ec2Lookups } from './ec2-requests.js';
export { ECS_AUTHORIZATIONS, type EcsLookups } from './ecs-requests.js';
export { parseIamPolicies, type IamPolicies, type PolicyDocument } from './policies.js';
export type { ArnScope, AuthorizationRequest } from './request.js';
export { emulatorIam } from './emulator-iam.js';
export { readIamPolicyFile } from './policy-file.js';
export { CONSTRUCT_POLICIES, POLICY_PLACEHOLDERS, ROLE_ACCESS_KEYS, roleIamPolicies, withMirrorIds, type ConstructPolicies } from './construct-policies.js';
