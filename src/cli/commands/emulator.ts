import { Command, InvalidArgumentError, Option } from 'commander';
import { isLoopbackAddress } from '../../emulator/control-guard.js';
import { IamEvaluatorMissingError, iamEvaluatorAvailable, readIamPolicyFile } from '../../emulator/iam/index.js';
import { startEmulator } from '../../emulator/index.js';
import { AWS_EC2_BUCKETS, PROFILE_NAMES, type EmulatorFaults, type EmulatorTiming, type ProfileName } from '../../emulator/profile.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit.js';

export const DEMO_NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/ids-mirror/0123456789abcdef';

interface EmulatorCliOptions {
  readonly port: number;
  readonly host: string;
  readonly profile: ProfileName;
  readonly seed: number;
  readonly region: string;
  readonly bootstrap: boolean;
  readonly throttle?: boolean;
  readonly lateEniRate?: number;
  readonly unsupportedRate?: number;
  readonly duplicateRate?: number;
  readonly reorderRate?: number;
  readonly ecsThrottleRate?: number;
  readonly announceActivating?: boolean;
  readonly stepDelayMs?: number;
  readonly iam?: string;
}

/** One line: the emulator has no authentication, so any host that can reach the port can use it. */
export function nonLoopbackWarning(host: string): string {
  return `warning: --host ${host} is not loopback: anyone who can reach this address can call the emulator's EC2 and ECS APIs (no authentication); control endpoints still answer only loopback Host names`;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return parsed;
  };
}

function share(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new InvalidArgumentError('expected a share from 0 to 1');
  return parsed;
}

function faultOverrides(options: EmulatorCliOptions): Partial<EmulatorFaults> {
  return {
    ...(options.lateEniRate === undefined ? {} : { lateEniRate: options.lateEniRate }),
    ...(options.unsupportedRate === undefined ? {} : { unsupportedEniRate: options.unsupportedRate }),
    ...(options.duplicateRate === undefined ? {} : { duplicateEventRate: options.duplicateRate }),
    ...(options.reorderRate === undefined ? {} : { reorderEventRate: options.reorderRate }),
    ...(options.ecsThrottleRate === undefined ? {} : { ecsThrottleRate: options.ecsThrottleRate }),
  };
}

function timingOverrides(options: EmulatorCliOptions): Partial<EmulatorTiming> {
  return {
    ...(options.announceActivating === undefined ? {} : { announceActivating: options.announceActivating }),
    ...(options.stepDelayMs === undefined ? {} : { stepDelayMs: options.stepDelayMs }),
  };
}

export function emulatorCommand(): Command {
  return new Command('emulator')
    .description('serve emulated EC2 traffic mirroring and ECS on one local port (AWS SDKs, the AWS CLI and boto3 work against it)')
    .option('--port <port>', 'port to listen on (0 = any free port)', integer(0, 65535), 4566)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--profile <name>', 'faults and timing preset').choices(PROFILE_NAMES).default('ideal'))
    .option('--seed <n>', 'seed for ids and fault injection (runs are reproducible)', integer(0, 2 ** 31), 1)
    .option('--region <region>', 'Region the emulator answers for', 'us-east-1')
    .option('--no-bootstrap', 'do not create a demo traffic mirror target and filter at start')
    .option('--throttle', "EC2 request throttling with AWS's bucket sizes (default: per profile)")
    .option('--no-throttle', 'no EC2 request throttling')
    .option('--late-eni-rate <share>', 'share of ENIs EC2 does not see for a while after ECS reports them ATTACHED', share)
    .option('--unsupported-rate <share>', 'share of ENIs on hosts that cannot mirror (NetworkInterfaceNotSupported)', share)
    .option('--duplicate-rate <share>', 'share of events delivered twice', share)
    .option('--reorder-rate <share>', 'share of events delivered after the next one', share)
    .option('--ecs-throttle-rate <share>', 'share of ECS calls answered ThrottlingException', share)
    .option('--announce-activating', 'announce the ACTIVATING state with an event')
    .option('--no-announce-activating', 'skip the ACTIVATING event, as Fargate often does')
    .option('--step-delay-ms <ms>', 'delay between task lifecycle steps', integer(0, 600_000))
    .option('--iam <file.json>', 'IAM identity policies per access key id ({"<key id>": <policy> | [<policy>, ...]}); other keys are allowed everything')
    .action(async (options: EmulatorCliOptions) => {
      if (!isLoopbackAddress(options.host)) process.stderr.write(`${nonLoopbackWarning(options.host)}\n`);
      let emulator;
      let iam;
      try {
        iam = options.iam === undefined ? undefined : await readIamPolicyFile(options.iam);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_USAGE);
      }
      // Fail at start, not on the first call a policy covers.
      if (iam !== undefined && !(await iamEvaluatorAvailable())) throw new CliError(new IamEvaluatorMissingError().message, EXIT_USAGE);
      try {
        emulator = await startEmulator({
          port: options.port,
          host: options.host,
          profile: options.profile,
          seed: options.seed,
          region: options.region,
          faults: faultOverrides(options),
          timing: timingOverrides(options),
          ...(iam === undefined ? {} : { iam }),
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError(`cannot start the emulator on ${options.host}:${options.port}: ${code ?? (error as Error).message}`, EXIT_FAILURE);
      }
      if (options.throttle === false) emulator.setFaults({ ec2Throttling: undefined });
      if (options.throttle === true) emulator.setFaults({ ec2Throttling: AWS_EC2_BUCKETS });
      const lines = [`ecs-mirror emulator (${options.profile}, seed ${options.seed}) listening on ${emulator.url}`];
      lines.push(`  export AWS_ENDPOINT_URL=${emulator.url} AWS_REGION=${emulator.region} AWS_DEFAULT_REGION=${emulator.region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`);
      if (options.bootstrap) {
        const target = emulator.ec2.createTarget({ networkLoadBalancerArn: DEMO_NLB_ARN, description: 'demo IDS behind an NLB' });
        const filter = emulator.ec2.createFilter({ description: 'demo: all traffic' });
        lines.push(`  export MIRROR_TARGET_ID=${target.trafficMirrorTarget.trafficMirrorTargetId} MIRROR_FILTER_ID=${filter.trafficMirrorFilter.trafficMirrorFilterId}`);
      }
      lines.push(`  events: GET ${emulator.url}/_emulator/events?after=0   faults: POST ${emulator.url}/_emulator/faults   stats: GET ${emulator.url}/_emulator/stats`);
      process.stdout.write(`${lines.join('\n')}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await emulator.close();
    });
}
