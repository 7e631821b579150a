/**
 * A construct prop or app context value is invalid. The message is one line that names the prop or
 * context key, so `cdk synth` can print it as is.
 */
export class EcsTrafficMirrorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EcsTrafficMirrorConfigError';
  }
}
