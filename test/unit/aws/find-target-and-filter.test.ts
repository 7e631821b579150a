import { DescribeTrafficMirrorFiltersCommand, DescribeTrafficMirrorTargetsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkEc2Mirroring } from '../../../src/aws/ec2-mirroring.js';

const ec2Mock = mockClient(EC2Client);

function awsError(code: string): EC2ServiceException {
  return new EC2ServiceException({ name: code, $fault: 'client', $metadata: {}, message: `${code} message` });
}

const TARGET = 'tmt-0123456789abcdef0';
const FILTER = 'tmf-0123456789abcdef0';

beforeEach(() => ec2Mock.reset());

describe('SdkEc2Mirroring.findTargetAndFilter', () => {
  it('asks for each by id and reports both found, with the Region of the client', async () => {
    // prepare
    ec2Mock.on(DescribeTrafficMirrorTargetsCommand).resolves({ TrafficMirrorTargets: [{ TrafficMirrorTargetId: TARGET }] });
    ec2Mock.on(DescribeTrafficMirrorFiltersCommand).resolves({ TrafficMirrorFilters: [{ TrafficMirrorFilterId: FILTER }] });
    // act
    const check = await new SdkEc2Mirroring(new EC2Client({ region: 'eu-west-1' })).findTargetAndFilter(TARGET, FILTER);
    // assess
    expect(check).toEqual({ region: 'eu-west-1', targetExists: true, filterExists: true });
    expect(ec2Mock.commandCalls(DescribeTrafficMirrorTargetsCommand)[0]?.args[0].input).toEqual({ TrafficMirrorTargetIds: [TARGET] });
    expect(ec2Mock.commandCalls(DescribeTrafficMirrorFiltersCommand)[0]?.args[0].input).toEqual({ TrafficMirrorFilterIds: [FILTER] });
  });

  it('reads NotFound and an empty answer alike as missing', async () => {
    // prepare
    ec2Mock.on(DescribeTrafficMirrorTargetsCommand).rejects(awsError('InvalidTrafficMirrorTargetId.NotFound'));
    ec2Mock.on(DescribeTrafficMirrorFiltersCommand).resolves({ TrafficMirrorFilters: [] });
    // act
    const check = await new SdkEc2Mirroring(new EC2Client({ region: 'us-east-1' })).findTargetAndFilter(TARGET, FILTER);
    // assess
    expect(check).toEqual({ region: 'us-east-1', targetExists: false, filterExists: false });
  });

  it('throws any other error as a MirrorError', async () => {
    // prepare
    ec2Mock.on(DescribeTrafficMirrorTargetsCommand).rejects(awsError('UnauthorizedOperation'));
    ec2Mock.on(DescribeTrafficMirrorFiltersCommand).resolves({ TrafficMirrorFilters: [{ TrafficMirrorFilterId: FILTER }] });
    // act
    const checking = new SdkEc2Mirroring(new EC2Client({ region: 'us-east-1' })).findTargetAndFilter(TARGET, FILTER);
    // assess
    await expect(checking).rejects.toMatchObject({ name: 'MirrorError', kind: 'unauthorized', awsCode: 'UnauthorizedOperation' });
  });
});
