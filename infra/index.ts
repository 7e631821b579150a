// `ecs-traffic-mirror/cdk`: the construct for one's own CDK app. Its Lambdas are the bundles the
// package ships, so synthesis needs neither esbuild nor this project's lock file.
export {
  EcsTrafficMirror,
  LAUNCH_TYPES,
  type ClusterReference,
  type EcsTrafficMirrorAlarms,
  type EcsTrafficMirrorProps,
  type UnsupportedEniPolicy,
} from './ecs-traffic-mirror.js';
export { EcsTrafficMirrorConfigError } from './config-error.js';
export { EcsTrafficMirrorStack, type EcsTrafficMirrorStackProps } from './stack.js';
export { EcsTrafficMirrorHub, hubFunctionRoleArns, type EcsTrafficMirrorHubProps, type HubMember } from './hub.js';
export { EcsTrafficMirrorMember, type EcsTrafficMirrorMemberProps } from './member.js';
export { EcsTrafficMirrorStackSet, EcsTrafficMirrorTargetShare, type EcsTrafficMirrorStackSetProps, type EcsTrafficMirrorTargetShareProps } from './stack-set.js';
