// A user's CDK app: the construct from the installed package, nothing of the repository.
// Compiled and run by test/package/packed-install.test.ts in a temporary project.
import { App, Stack } from 'aws-cdk-lib';
import { EcsTrafficMirror, type EcsTrafficMirrorProps } from 'ecs-traffic-mirror/cdk';

const app = new App();
const stack = new Stack(app, 'Consumer');
const props: EcsTrafficMirrorProps = {
  clusters: ['payments'],
  targetId: 'tmt-0123456789abcdef0',
  filterId: 'tmf-0123456789abcdef0',
};
const mirror = new EcsTrafficMirror(stack, 'Mirror', props);
console.log(mirror.eventFunction.runtime.name);
app.synth();
