import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readAppConfig } from './app-config.js';
import { EcsTrafficMirrorStack } from './stack.js';

/**
 * Add one EcsTrafficMirrorStack, configured from the app's context, to `app` (see docs/deploy.md for
 * the context keys), and with `-c nag=true` the cdk-nag AwsSolutions checks.
 * Throws EcsTrafficMirrorConfigError when the context is missing or malformed.
 */
export function buildApp(app: App): EcsTrafficMirrorStack {
  const config = readAppConfig((key) => app.node.tryGetContext(key));
  const account = process.env['CDK_DEFAULT_ACCOUNT'];
  const region = process.env['CDK_DEFAULT_REGION'];
  const stack = new EcsTrafficMirrorStack(app, config.stackName, {
    stackName: config.stackName,
    // Environment-agnostic unless the CLI knows the account and Region.
    ...(account !== undefined && region !== undefined ? { env: { account, region } } : {}),
    mirror: config.mirror,
    alarmTopicArn: config.alarmTopicArn,
  });
  if (config.nag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return stack;
}
