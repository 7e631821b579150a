import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { ECSServiceException } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { toMirrorError } from '../../../src/aws/error-mapping.js';

/**
 * The shapes below are what SDK v3 (client-ec2/-ecs 3.1164, node-http-handler 4.14) throws for
 * each fault, as seen through the fault proxy; the e2e tests check the same against the real wire.
 */
function nodeError(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

/** The SDK attaches the raw answer as a hidden `$response` when it could not make sense of it. */
function withResponse<T extends object>(error: T, status: number, contentType = 'text/html'): T {
  Object.defineProperty(error, '$response', { value: { statusCode: status, headers: { 'content-type': contentType } }, enumerable: false });
  return error;
}

describe('toMirrorError: failures below the API get a stable code of ours', () => {
  it('a reset, a refused connection or a DNS failure is `network`, even when the SDK names it TimeoutError', () => {
    // prepare
    const reset = nodeError('socket hang up', { name: 'TimeoutError', code: 'ECONNRESET', $metadata: { attempts: 3 } });
    const refused = nodeError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
    const dns = nodeError('getaddrinfo ENOTFOUND ec2.nowhere.example', { code: 'ENOTFOUND' });
    // act
    const mapped = [reset, refused, dns].map((error) => toMirrorError(error, 'DescribeTrafficMirrorSessions'));
    // assess
    expect(mapped.map((e) => [e.kind, e.awsCode])).toEqual([
      ['network', 'network'],
      ['network', 'network'],
      ['network', 'network'],
    ]);
    expect(mapped[0]?.message).toBe('DescribeTrafficMirrorSessions failed: network: socket hang up (ECONNRESET) (3 attempts)');
    expect(mapped[0]?.cause).toBe(reset);
  });

  it('a request or connection timeout is `timeout`, naming the variables that set it', () => {
    // prepare
    const request = nodeError('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 300 ms requestTimeout.', {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
      $metadata: { attempts: 2 },
    });
    const connect = nodeError('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.', {
      name: 'TimeoutError',
    });
    // act
    const [byRequest, byConnect] = [request, connect].map((error) => toMirrorError(error, 'CreateTrafficMirrorSession'));
    // assess
    expect(byRequest).toMatchObject({ kind: 'timeout', awsCode: 'timeout' });
    expect(byRequest?.message).toBe(
      'CreateTrafficMirrorSession failed: timeout: a request has exceeded the configured 300 ms requestTimeout. (2 attempts); set by MIRROR_AWS_CONNECT_TIMEOUT_MS and MIRROR_AWS_REQUEST_TIMEOUT_MS',
    );
    expect(byConnect).toMatchObject({ kind: 'timeout', awsCode: 'timeout' });
  });

  it('an HTML 5xx without an AWS error is `bad-response (HTTP 502)`, a retried server error; on a 4xx it is a bad response', () => {
    // prepare
    const ec2Html = withResponse(new EC2ServiceException({ name: 'Unknown', $fault: 'server', $metadata: { httpStatusCode: 502 }, message: 'Unknown' }), 502);
    const ec2NotFound = withResponse(new EC2ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'Unknown' }), 404);
    const ecsEmpty = withResponse(new ECSServiceException({ name: 'Unknown', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'UnknownError' }), 500);
    // act
    const mapped = [ec2Html, ec2NotFound, ecsEmpty].map((error) => toMirrorError(error, 'Op'));
    // assess
    expect(mapped.map((e) => [e.kind, e.awsCode])).toEqual([
      ['server-error', 'bad-response (HTTP 502)'],
      ['bad-response', 'bad-response (HTTP 404)'],
      ['server-error', 'bad-response (HTTP 500)'],
    ]);
    expect(mapped[0]?.message).toBe('Op failed: bad-response (HTTP 502): the answer holds no AWS error (content-type text/html)');
  });

  it('a garbled or truncated body is `bad-response` with its status, quoted on one line without the SDK hint', () => {
    // prepare
    const garbled = withResponse(
      Object.assign(new SyntaxError('Unexpected token \u0000, "\u0000\u001b[2J garbled \r\n\u0007" is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'), {
        $metadata: { httpStatusCode: 200 },
      }),
      200,
      'application/x-amz-json-1.1',
    );
    const truncated = withResponse(nodeError('@aws-sdk XML parse error: unexpected end of input.\n  Deserialization error: to see …', { $metadata: { httpStatusCode: 200 } }), 200, 'text/xml');
    // act
    const [fromGarbled, fromTruncated] = [garbled, truncated].map((error) => toMirrorError(error, 'DescribeTasks'));
    // assess
    expect(fromGarbled).toMatchObject({ kind: 'bad-response', awsCode: 'bad-response (HTTP 200)' });
    expect(fromGarbled?.message).toBe('DescribeTasks failed: bad-response (HTTP 200): the answer could not be read: Unexpected token \\x00, "\\x00\\x1b[2J garbled \\r\\n\\x07" is not valid JSON');
    expect(fromTruncated?.message).toBe('DescribeTasks failed: bad-response (HTTP 200): the answer could not be read: @aws-sdk XML parse error: unexpected end of input.');
  });

  it("the SDK's own configuration is `client-config`, naming the variable", () => {
    // prepare
    const noRegion = new Error('Region is missing');
    const badRegion = new Error('Region not accepted: region="us east" is not a valid hostname component.');
    const badUrl = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL', input: 'not-a-url' });
    // act
    const mapped = [noRegion, badRegion, badUrl].map((error) => toMirrorError(error, 'Op'));
    // assess
    expect(mapped.map((e) => [e.kind, e.awsCode])).toEqual([
      ['client-config', 'client-config'],
      ['client-config', 'client-config'],
      ['client-config', 'client-config'],
    ]);
    expect(mapped[0]?.message).toContain('AWS_REGION');
    expect(mapped[2]?.message).toBe("Op failed: client-config: AWS_ENDPOINT_URL (or --endpoint-url, or the AWS profile's endpoint_url): 'not-a-url' is not a URL");
  });

  it('takes no inherited property for a code', () => {
    expect(toMirrorError(new EC2ServiceException({ name: 'toString', $fault: 'client', $metadata: {}, message: 'odd' }), 'Op')).toMatchObject({ kind: 'unknown', awsCode: 'toString' });
  });

  it("keeps AWS's own codes, its 5xx codes as server errors", () => {
    // prepare
    const internal = new EC2ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'An internal error has occurred' });
    Object.assign(internal, { Code: 'InternalError' });
    // act
    const mapped = toMirrorError(withResponse(internal, 500, 'text/xml'), 'Op');
    // assess
    expect(mapped).toMatchObject({ kind: 'server-error', awsCode: 'InternalError', message: 'Op failed: InternalError: An internal error has occurred' });
  });
});
