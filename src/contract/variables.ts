import { LAUNCH_TYPES } from './ids.js';
import { PACKET_LENGTH_RANGE, SESSION_NUMBER_RANGE, VIRTUAL_NETWORK_ID_RANGE } from './limits.js';
/**
 * The environment variables the product reads, in the Lambda and the CLI alike. The construct
 * sets them by these names, `--help` and the README list them from CONFIG_VARIABLES.
 */
export const ENV = {
  targetId: 'MIRROR_TARGET_ID',
  filterId: 'MIRROR_FILTER_ID',
  sessionNumber: 'MIRROR_SESSION_NUMBER',
  virtualNetworkId: 'MIRROR_VIRTUAL_NETWORK_ID',
  packetLength: 'MIRROR_PACKET_LENGTH',
  clusters: 'MIRROR_CLUSTERS',
  services: 'MIRROR_SERVICES',
  families: 'MIRROR_FAMILIES',
  launchTypes: 'MIRROR_LAUNCH_TYPES',
  unsupportedPolicy: 'MIRROR_UNSUPPORTED_POLICY',
  stopMaxPerService: 'MIRROR_STOP_MAX_PER_SERVICE',
  stopWindowMinutes: 'MIRROR_STOP_WINDOW_MINUTES',
  eniRetryAttempts: 'MIRROR_ENI_RETRY_ATTEMPTS',
  eniRetryBaseMs: 'MIRROR_ENI_RETRY_BASE_MS',
  createRate: 'MIRROR_CREATE_RATE',
  awsMaxAttempts: 'MIRROR_AWS_MAX_ATTEMPTS',
  awsConnectTimeoutMs: 'MIRROR_AWS_CONNECT_TIMEOUT_MS',
  awsRequestTimeoutMs: 'MIRROR_AWS_REQUEST_TIMEOUT_MS',
  reconcileGraceSeconds: 'MIRROR_RECONCILE_GRACE_SECONDS',
  reconcileMaxDeletePercent: 'MIRROR_RECONCILE_MAX_DELETE_PERCENT',
  rulesFile: 'MIRROR_RULES_FILE',
  rules: 'MIRROR_RULES',
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  powertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/**
 * The longest stop window that can be counted: the budget counts our stops from ECS's own record
 * of stopped tasks, and ECS documents that stopped tasks appear in DescribeTasks for at least one
 * hour (and in ListTasks only "recently"), so a longer window would forget stops it still owes.
 */
export const MAX_STOP_WINDOW_MINUTES = 60;

/** The seed's variable names, accepted so that this project is a drop-in for its Lambda. */
export const ENV_ALIASES = {
  targetId: 'TrafficMirrorTarget',
  filterId: 'TrafficMirrorFilter',
} as const;

/** Every variable the product reads, with its doc line: the README table and `--help` use it. */
export const CONFIG_VARIABLES: readonly (readonly [string, string])[] = [
  [ENV.targetId, `Traffic mirror target id (tmt-…). Required. Alias: ${ENV_ALIASES.targetId}.`],
  [ENV.filterId, `Traffic mirror filter id (tmf-…). Required. Alias: ${ENV_ALIASES.filterId}.`],
  [ENV.sessionNumber, `Session number ${SESSION_NUMBER_RANGE.min}..${SESSION_NUMBER_RANGE.max} (lower is evaluated first on the ENI). Default 1.`],
  [ENV.virtualNetworkId, `VXLAN id ${VIRTUAL_NETWORK_ID_RANGE.min}..${VIRTUAL_NETWORK_ID_RANGE.max}. Default: chosen by EC2.`],
  [ENV.packetLength, `Bytes of each packet to mirror, ${PACKET_LENGTH_RANGE.min}..${PACKET_LENGTH_RANGE.max}. Default: whole packet.`],
  [ENV.clusters, 'Comma-separated cluster names or ARNs in scope. Default: all.'],
  [ENV.services, 'Comma-separated ECS service names in scope. Default: all.'],
  [ENV.families, 'Comma-separated task definition families in scope. Default: all.'],
  [ENV.launchTypes, `Comma-separated launch types in scope (${LAUNCH_TYPES.join(', ')}). Default: all.`],
  [ENV.unsupportedPolicy, `What to do with an ENI that cannot be mirrored: 'report' (default) or 'stop-task' (requires ${ENV.clusters}).`],
  [ENV.stopMaxPerService, 'stop-task: most tasks of one service stopped per window, across all event Lambdas. Default 3.'],
  [
    ENV.stopWindowMinutes,
    `stop-task: the window, in minutes, 1..${MAX_STOP_WINDOW_MINUTES} (ECS shows stopped tasks for at least an hour, and the budget is counted from them). Default ${MAX_STOP_WINDOW_MINUTES}.`,
  ],
  [ENV.eniRetryAttempts, 'Attempts while EC2 does not see a new ENI yet. Default 6.'],
  [ENV.eniRetryBaseMs, 'First backoff delay for those attempts, doubled each time (max 5 s). Default 250.'],
  [ENV.createRate, 'Most session creates and deletes per second from one process; slower while EC2 throttles (learned). Default: no cap.'],
  [ENV.awsMaxAttempts, 'Attempts per AWS call, throttling retries included. Default 8.'],
  [ENV.awsConnectTimeoutMs, 'Milliseconds to establish a connection to an AWS endpoint, per attempt. Default 3000.'],
  [ENV.awsRequestTimeoutMs, 'Milliseconds for one attempt of an AWS call, connection included; a timed-out attempt is retried. Default 5000.'],
  [ENV.reconcileGraceSeconds, 'The sweep leaves tasks younger than this to the event path. Default 0 (the CDK construct sets 900).'],
  [ENV.reconcileMaxDeletePercent, 'Circuit breaker: a sweep planning to delete more than this share (0..100) of our sessions deletes none and fails. Default 10.'],
  [ENV.rulesFile, `A JSON file { "rules": [ … ] }: the first rule whose match fits a task decides its sessions; unset fields come from the variables above (see "Rules"). CLI: --rules. Default: none.`],
  [ENV.rules, `The same rules as inline JSON (the CDK construct's \`rules\` prop sets it). Set ${ENV.rulesFile} or this, not both.`],
];
