import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBoto3, NLB_ARN, startHarness, type Harness } from './helpers.js';

/** boto3 smoke test: the Python SDK's query serializer and XML parser against the emulator. */
const run = promisify(execFile);

const available = hasBoto3();
if (!available) console.warn('boto3.test.ts: skipped — python3 with boto3 is not available.');

const SCRIPT = `
import json, os, sys, boto3, botocore.exceptions
ec2 = boto3.client('ec2', endpoint_url=os.environ['EMULATOR_URL'], region_name='us-east-1',
                   aws_access_key_id='test', aws_secret_access_key='test')
eni = os.environ['ENI_ID']
target = ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=os.environ['NLB_ARN'])['TrafficMirrorTarget']
flt = ec2.create_traffic_mirror_filter(Description='boto3')['TrafficMirrorFilter']
session = ec2.create_traffic_mirror_session(
    NetworkInterfaceId=eni, TrafficMirrorTargetId=target['TrafficMirrorTargetId'],
    TrafficMirrorFilterId=flt['TrafficMirrorFilterId'], SessionNumber=2, ClientToken='boto3-token',
    TagSpecifications=[{'ResourceType': 'traffic-mirror-session', 'Tags': [{'Key': 'k', 'Value': 'v'}]}])['TrafficMirrorSession']
pages = ec2.get_paginator('describe_traffic_mirror_sessions').paginate(
    Filters=[{'Name': 'network-interface-id', 'Values': [eni]}], PaginationConfig={'PageSize': 5})
described = [s for page in pages for s in page['TrafficMirrorSessions']]
try:
    ec2.create_traffic_mirror_session(
        NetworkInterfaceId=eni, TrafficMirrorTargetId=target['TrafficMirrorTargetId'],
        TrafficMirrorFilterId=flt['TrafficMirrorFilterId'], SessionNumber=3, ClientToken='boto3-token')
    mismatch = None
except botocore.exceptions.ClientError as error:
    mismatch = error.response['Error']['Code']
print(json.dumps({'session': session, 'described': described, 'mismatch': mismatch}))
`;

describe.skipIf(!available)('boto3 against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates and pages sessions and sees IdempotentParameterMismatch', async () => {
    const eni = h.eni().networkInterfaceId;
    const { stdout } = await run('python3', ['-c', SCRIPT], {
      env: { ...process.env, EMULATOR_URL: h.emulator.url, ENI_ID: eni, NLB_ARN, AWS_MAX_ATTEMPTS: '1' },
      timeout: 60_000,
    });
    const session = z.object({ TrafficMirrorSessionId: z.string(), NetworkInterfaceId: z.string(), SessionNumber: z.number() });
    const out = z
      .object({ session, described: z.array(session), mismatch: z.string().nullable() })
      .parse(JSON.parse(stdout));
    expect(out.session).toMatchObject({ NetworkInterfaceId: eni, SessionNumber: 2 });
    expect(out.described.map((s) => s.TrafficMirrorSessionId)).toEqual([out.session.TrafficMirrorSessionId]);
    expect(out.mismatch).toBe('IdempotentParameterMismatch');
  });
});

const CAPACITY_SCRIPT = `
import json, os, time, boto3, botocore.exceptions
kw = dict(endpoint_url=os.environ['EMULATOR_URL'], region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')
ec2, ecs = boto3.client('ec2', **kw), boto3.client('ecs', **kw)
subnet = ec2.describe_subnets()['Subnets'][0]
ecs.create_cluster(clusterName='boto3')
ecs.register_task_definition(family='b', networkMode='bridge', containerDefinitions=[{'name': 'app', 'image': 'nginx', 'cpu': 256, 'memory': 256}])
ecs.register_task_definition(family='v', networkMode='awsvpc', cpu='256', memory='256', containerDefinitions=[{'name': 'app', 'image': 'nginx'}])
try:
    ecs.run_task(cluster='boto3', taskDefinition='b', launchType='EC2')
    empty = None
except botocore.exceptions.ClientError as error:
    empty = [error.response['Error']['Code'], error.response['Error']['Message']]
instance = ec2.run_instances(ImageId='ami-1', InstanceType='m5.large', MinCount=1, MaxCount=1, SubnetId=subnet['SubnetId'])['Instances'][0]
doc = json.dumps({'instanceId': instance['InstanceId'], 'region': 'us-east-1', 'instanceType': 'm5.large',
                  'availabilityZone': instance['Placement']['AvailabilityZone'], 'accountId': '123456789012'})
ci = ecs.register_container_instance(cluster='boto3', instanceIdentityDocument=doc, instanceIdentityDocumentSignature='sig',
    totalResources=[{'name': 'CPU', 'type': 'INTEGER', 'integerValue': 1024}, {'name': 'MEMORY', 'type': 'INTEGER', 'integerValue': 2048}])['containerInstance']
bridge = ecs.run_task(cluster='boto3', taskDefinition='b', launchType='EC2')['tasks'][0]
vpc = ecs.run_task(cluster='boto3', taskDefinition='v', launchType='EC2',
    networkConfiguration={'awsvpcConfiguration': {'subnets': [subnet['SubnetId']]}})['tasks'][0]
full = ecs.run_task(cluster='boto3', taskDefinition='b', launchType='EC2', count=5)
ecs.get_waiter('tasks_running').wait(cluster='boto3', tasks=[bridge['taskArn'], vpc['taskArn']], WaiterConfig={'Delay': 1})
tasks = ecs.describe_tasks(cluster='boto3', tasks=[bridge['taskArn'], vpc['taskArn']])['tasks']
eni_id = [d['value'] for d in tasks[1]['attachments'][0]['details'] if d['name'] == 'networkInterfaceId'][0]
eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])['NetworkInterfaces'][0]
described = ecs.describe_container_instances(cluster='boto3', containerInstances=[ci['containerInstanceArn']])['containerInstances'][0]
remaining = {r['name']: r.get('integerValue') for r in described['remainingResources']}
by_eni = ec2.describe_instances(Filters=[{'Name': 'network-interface.network-interface-id', 'Values': [eni_id]}])['Reservations']
print(json.dumps({'empty': empty, 'ci': ci['containerInstanceArn'], 'ec2InstanceId': ci['ec2InstanceId'],
    'bridge': [tasks[0]['containerInstanceArn'], tasks[0]['attachments']], 'vpcHost': tasks[1]['containerInstanceArn'],
    'eni': [eni['InterfaceType'], eni['Attachment']['InstanceId']], 'byEni': [i['InstanceId'] for r in by_eni for i in r['Instances']],
    'remaining': remaining, 'fullTasks': len(full['tasks']), 'failures': full['failures']}))
`;

describe.skipIf(!available)('boto3 on EC2 capacity', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timing: { stepDelayMs: 5, schedulerIntervalMs: 10 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('registers a container instance and places bridge and awsvpc tasks on it, failing the rest with RESOURCE:*', async () => {
    const { stdout } = await run('python3', ['-c', CAPACITY_SCRIPT], {
      env: { ...process.env, EMULATOR_URL: h.emulator.url, AWS_MAX_ATTEMPTS: '1' },
      timeout: 60_000,
    });
    const out = z
      .object({
        empty: z.array(z.string()),
        ci: z.string(),
        ec2InstanceId: z.string(),
        bridge: z.tuple([z.string(), z.array(z.unknown())]),
        vpcHost: z.string(),
        eni: z.tuple([z.string(), z.string()]),
        byEni: z.array(z.string()),
        remaining: z.record(z.string(), z.number().nullable()),
        fullTasks: z.number(),
        failures: z.array(z.object({ arn: z.string(), reason: z.string() })),
      })
      .parse(JSON.parse(stdout));
    expect(out.empty).toEqual(['InvalidParameterException', 'No Container Instances were found in your cluster.']);
    expect(out.bridge).toEqual([out.ci, []]);
    expect(out.vpcHost).toBe(out.ci);
    expect(out.eni).toEqual(['interface', out.ec2InstanceId]);
    expect(out.byEni).toEqual([out.ec2InstanceId]);
    // 1024 CPU: 256 (bridge) + 256 (awsvpc) + two of the five more bridge tasks.
    expect(out.fullTasks).toBe(2);
    expect(out.remaining['CPU']).toBe(0);
    expect(out.failures).toEqual([{ arn: out.ci, reason: 'RESOURCE:CPU' }]);
  });
});
