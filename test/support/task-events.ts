/** Builds ECS Task State Change events of the real shape for tests that need many variations. */
export interface TaskEventSpec {
  readonly cluster?: string;
  readonly taskId?: string;
  readonly lastStatus?: string;
  readonly desiredStatus?: string;
  readonly version?: number;
  readonly group?: string;
  readonly launchType?: string;
  readonly enis?: readonly { readonly id: string; readonly status?: string }[];
  readonly region?: string;
  readonly account?: string;
}

export function taskEvent(spec: TaskEventSpec = {}): Record<string, unknown> {
  const region = spec.region ?? 'eu-central-1';
  const account = spec.account ?? '123456789012';
  const cluster = spec.cluster ?? 'prod';
  const taskId = spec.taskId ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const taskArn = `arn:aws:ecs:${region}:${account}:task/${cluster}/${taskId}`;
  const clusterArn = `arn:aws:ecs:${region}:${account}:cluster/${cluster}`;
  const enis = spec.enis ?? [{ id: 'eni-0a1b2c3d4e5f60718' }];
  return {
    version: '0',
    id: `evt-${taskId}-${spec.version ?? 3}`,
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account,
    time: '2026-11-27T05:00:00Z',
    region,
    resources: [taskArn],
    detail: {
      attachments: enis.map((eni, index) => ({
        id: `att-${index}-${taskId}`,
        type: 'eni',
        status: eni.status ?? 'ATTACHED',
        details: [
          { name: 'subnetId', value: 'subnet-0123456789abcdef0' },
          { name: 'networkInterfaceId', value: eni.id },
          { name: 'macAddress', value: '0a:1b:2c:3d:4e:5f' },
          { name: 'privateIPv4Address', value: `10.0.1.${10 + index}` },
        ],
      })),
      availabilityZone: `${region}a`,
      clusterArn,
      containers: [],
      desiredStatus: spec.desiredStatus ?? 'RUNNING',
      group: spec.group ?? 'service:web',
      launchType: spec.launchType ?? 'FARGATE',
      lastStatus: spec.lastStatus ?? 'RUNNING',
      taskArn,
      taskDefinitionArn: `arn:aws:ecs:${region}:${account}:task-definition/web:7`,
      version: spec.version ?? 3,
    },
  };
}
