import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.js';
import { EcsTrafficMirrorConfigError } from './config-error.js';

// Entry point of cdk.json: `npx cdk deploy -c targetId=tmt-… -c filterId=tmf-… [-c clusters=a,b]`.
try {
  const app = new App();
  buildApp(app);
  app.synth();
} catch (error) {
  if (error instanceof EcsTrafficMirrorConfigError) {
    // One line, no stack trace: the message names the context key to fix.
    console.error(`ecs-traffic-mirror: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
