import { describe, expect, it } from 'vitest';
import { clientSettingsProblems } from '../../../src/aws/clients.js';
import { composeAppDeps } from '../../../src/aws/compose.js';
import { ConfigError } from '../../../src/core/errors.js';
import { noMetrics, silentLogger } from '../../../src/ports/index.js';

describe("clientSettingsProblems: the SDK's Region and endpoint, checked at start", () => {
  it('accepts what the SDK accepts, and nothing set at all', () => {
    expect(clientSettingsProblems({})).toEqual([]);
    expect(clientSettingsProblems({ AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_EC2: '' })).toEqual([]);
  });

  it('names an empty or malformed AWS_REGION, and --region when the flag gave it', () => {
    expect(clientSettingsProblems({ AWS_REGION: '' })).toEqual([expect.stringMatching(/^AWS_REGION is set but empty/)]);
    expect(clientSettingsProblems({ AWS_REGION: 'us east 1' })).toEqual(["AWS_REGION: 'us east 1' is not a Region name such as us-east-1"]);
    expect(clientSettingsProblems({ AWS_REGION: 'us-east-1' }, { region: '-x' })).toEqual(["--region: '-x' is not a Region name such as us-east-1"]);
  });

  it('names an endpoint that is not an http(s) URL', () => {
    expect(clientSettingsProblems({ AWS_ENDPOINT_URL: 'not-a-url', AWS_ENDPOINT_URL_ECS: 'ftp://host' })).toEqual([
      "AWS_ENDPOINT_URL: 'not-a-url' is not an http:// or https:// URL",
      "AWS_ENDPOINT_URL_ECS: 'ftp://host' is not an http:// or https:// URL",
    ]);
    expect(clientSettingsProblems({ AWS_ENDPOINT_URL: 'not-a-url' }, { endpoint: 'http://127.0.0.1:1' })).toEqual([]);
  });

  it('composeAppDeps reports them with our own variables, all in one ConfigError', () => {
    // act
    const compose = () => composeAppDeps({ env: { AWS_REGION: '', MIRROR_FILTER_ID: 'tmf-0123456789abcdef0' }, logger: silentLogger, metrics: noMetrics });
    // assess
    expect(compose).toThrow(ConfigError);
    try {
      compose();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^MIRROR_TARGET_ID is required/), expect.stringMatching(/^AWS_REGION is set but empty/)]);
    }
  });
});
