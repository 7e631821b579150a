import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, waitUntilTasksRunning } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, readme, section as readmeSection } from '../support/readme.js';
import { launchContainerInstances, type LaunchedContainerInstance } from '../../src/emulator/index.js';
import { CliRunner } from './support/cli.js';
import { CREDENTIALS, startWorld, type World } from './support/world.js';

/**
 * Issue 13: `ecs-mirror status` in its own process, over the real SDK against the emulator, on
 * one cluster holding every door: awsvpc tasks on their own ENI and bridge tasks on one Nitro
 * instance (one instance session for all of them), awsvpc tasks on a trunked instance (branch
 * ENIs) and bridge tasks on a Xen instance (a host that cannot mirror).
 */
const cli = new CliRunner();
/** Each run starts a TypeScript process: generous, as the machine may be busy. */
const CLI_TIMEOUT_MS = 90_000;
let world: World;
let env: Record<string, string>;
let plain: LaunchedContainerInstance;
let taskEniTasks: string[];
let bridgeTasks: string[];
let branchTasks: string[];
let xenTasks: string[];
let xen: LaunchedContainerInstance;
let trunked: LaunchedContainerInstance;

async function runOn(family: 'bridge' | 'vpc', count: number): Promise<string[]> {
  const run = await world.clients.ecs.send(
    new RunTaskCommand({
      cluster: 'mixed',
      taskDefinition: family,
      launchType: 'EC2',
      count,
      ...(family === 'vpc' ? { networkConfiguration: { awsvpcConfiguration: { subnets: [world.subnets[0] ?? ''] } } } : {}),
    }),
  );
  const arns = (run.tasks ?? []).map((t) => t.taskArn ?? '');
  expect(arns).toHaveLength(count);
  await waitUntilTasksRunning({ client: world.clients.ecs, maxWaitTime: 20, minDelay: 1 }, { cluster: 'mixed', tasks: arns });
  return arns;
}

/** Where ECS placed each task: the test relies on placement only after checking it. */
async function hostsOf(arns: readonly string[]): Promise<string[]> {
  const described = await world.clients.ecs.send(new DescribeTasksCommand({ cluster: 'mixed', tasks: [...arns] }));
  return arns.map((arn) => described.tasks?.find((t) => t.taskArn === arn)?.containerInstanceArn ?? '');
}

const taskId = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** Lines with ids and figures made alike, as readme-samples.test.ts compares the README's samples. */
function shape(lines: readonly string[]): string[] {
  return lines
    .map((line) =>
      line
        .replace(/\b[0-9a-f]{32}\b/g, '<id>')
        .replace(/\b(eni|tms|i)-[0-9a-f]+\b/g, '<$1>')
        .replace(/\d+/g, 'N')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '');
}

beforeAll(async () => {
  world = await startWorld({ seed: 13 });
  for (const definition of [
    { family: 'bridge', networkMode: 'bridge' as const, containerDefinitions: [{ name: 'app', image: 'nginx', cpu: 128, memory: 256 }] },
    { family: 'vpc', networkMode: 'awsvpc' as const, cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx' }] },
  ]) {
    await world.clients.ecs.send(new RegisterTaskDefinitionCommand(definition));
  }
  const subnetId = world.subnets[0] ?? '';
  // Each instance comes with more CPU than the last, so the tasks run next land on it.
  [plain] = (await launchContainerInstances(world.emulator, { cluster: 'mixed', subnetId, trunking: false })) as [LaunchedContainerInstance];
  taskEniTasks = await runOn('vpc', 2);
  bridgeTasks = await runOn('bridge', 3);
  [trunked] = (await launchContainerInstances(world.emulator, { cluster: 'mixed', subnetId, trunking: true, cpu: 8192 })) as [LaunchedContainerInstance];
  branchTasks = await runOn('vpc', 2);
  [xen] = (await launchContainerInstances(world.emulator, { cluster: 'mixed', subnetId, nitro: false, cpu: 16384 })) as [LaunchedContainerInstance];
  xenTasks = await runOn('bridge', 2);
  await world.emulator.ecs.idle();
  env = {
    AWS_ENDPOINT_URL: world.emulator.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    ...world.env({ MIRROR_CLUSTERS: 'mixed' }),
  };
});

afterAll(async () => {
  cli.killAll();
  await world?.close();
});

const statusJson = z.object({
  clusters: z.array(z.object({ cluster: z.string(), tasks: z.number(), enis: z.number(), mirrored: z.number(), unsupported: z.number(), missing: z.number(), coveragePercent: z.number() })),
  doors: z.array(z.object({ cluster: z.string(), taskEni: z.number(), instanceEni: z.number(), branch: z.number(), unsupportedHost: z.number(), onContainerInstances: z.number() })),
  instanceSessions: z.array(
    z.object({ sessionId: z.string(), networkInterfaceId: z.string(), cluster: z.string(), containerInstanceArn: z.string().optional(), instanceId: z.string().optional(), taskArns: z.array(z.string()) }),
  ),
});

describe('ecs-mirror status on a cluster with every door', () => {
  it('placed the tasks as the test means them', async () => {
    expect(await hostsOf([...taskEniTasks, ...bridgeTasks])).toEqual([...taskEniTasks, ...bridgeTasks].map(() => plain.containerInstanceArn));
    expect(await hostsOf(branchTasks)).toEqual(branchTasks.map(() => trunked.containerInstanceArn));
    expect(await hostsOf(xenTasks)).toEqual(xenTasks.map(() => xen.containerInstanceArn));
  });

  it('counts tasks by door and lists the one instance session with the bridge tasks it covers', async () => {
    // prepare: a sweep mirrors what can be, and learns that the Xen host cannot.
    const swept = await cli.run(['reconcile'], env, CLI_TIMEOUT_MS);
    expect(swept.code, swept.stderr).toBe(0);
    // act
    const text = await cli.run(['status'], env, CLI_TIMEOUT_MS);
    const json = await cli.run(['status', '--json'], env, CLI_TIMEOUT_MS);
    // assess
    expect(text.code, text.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    const report = statusJson.parse(JSON.parse(json.stdout));
    expect(report.doors).toEqual([{ cluster: 'mixed', taskEni: 2, instanceEni: 3, branch: 2, unsupportedHost: 2, onContainerInstances: 9 }]);
    // The coverage table counts each instance's primary ENI once: 2 task ENIs, 2 branch ENIs, 2 instance ENIs.
    expect(report.clusters).toEqual([expect.objectContaining({ cluster: 'mixed', tasks: 9, enis: 6, mirrored: 3, unsupported: 3, missing: 0, coveragePercent: 100 })]);
    expect(report.instanceSessions).toEqual([
      {
        sessionId: expect.stringMatching(/^tms-/),
        networkInterfaceId: plain.primaryNetworkInterfaceId,
        cluster: 'mixed',
        containerInstanceArn: plain.containerInstanceArn,
        instanceId: plain.instanceId,
        taskArns: [...bridgeTasks].sort(),
      },
    ]);

    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^cluster\s+tasks\s+enis\s+mirrored\s+unsupported\s+missing\s+coverage$/);
    const added = lines.slice(lines.findIndex((line) => line.startsWith('tasks by door')), lines.indexOf('unmirrored:'));
    expect(added.length).toBeGreaterThan(5);
    expect(added.filter((line) => line.length > 80)).toEqual([]);
    const sample = codeBlocks(readmeSection(readme(), '### `ecs-mirror reconcile` and `ecs-mirror status`')).find((block) => block.body.startsWith('tasks by door'));
    expect(shape(added)).toEqual(shape((sample?.body ?? '').split('\n')));
    expect(text.stdout).toMatch(/^cluster\s+task-eni\s+instance-eni\s+branch\s+unsupported-host\nmixed\s+2\s+3\s+2\s+2$/m);
    const sessionId = report.instanceSessions[0]?.sessionId ?? '';
    const section = text.stdout.slice(text.stdout.indexOf('instance sessions'));
    expect(section).toContain(`  ${sessionId}  ${plain.primaryNetworkInterfaceId}  ${plain.instanceId}  3 tasks\n`);
    expect(section).toContain(`    container instance mixed/${taskId(plain.containerInstanceArn)}\n`);
    for (const arn of bridgeTasks) expect(section).toContain(taskId(arn));
    for (const arn of [...xenTasks, ...branchTasks, ...taskEniTasks]) expect(section.slice(0, section.indexOf('unmirrored:'))).not.toContain(taskId(arn));
    // Said once, not twice: the state is the reason's own first word.
    expect(text.stdout).toContain(`  unsupported: branch ENI (awsvpcTrunking)`);
    expect(text.stdout).not.toContain('unsupported: unsupported:');
  }, 300_000);
});
