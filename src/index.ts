// The library entry of the package (`import … from 'ecs-traffic-mirror'`): the event path and the
// sweep the Lambdas and the CLI run, what they need to be composed, and the local emulator.
export { handleTaskEvents } from './app/handle-task-events.js';
export type { EniOutcome, EniResult, EventFailure, TaskEventResult } from './app/results.js';
export { reconcile } from './app/reconcile.js';
export type {
  ClusterCoverage,
  EniState,
  EniStatus,
  ReconcileReport,
  SweepFailure,
  SweepOptions,
  SweepProgress,
} from './app/reconcile.js';
export type { ClusterDoors, InstanceSessionCoverage } from './app/door-report.js';
export type { AppDeps } from './app/deps.js';
export { composeAppDeps, type ComposeOptions } from './aws/compose.js';
export { loadConfig, type Environment, type MirrorConfig } from './config/from-env.js';
export { ConfigError, InvalidEventError, MirrorError, type MirrorErrorKind } from './core/errors.js';
export { noMetrics, silentLogger, systemClock, type Clock, type Logger, type Metrics } from './ports/index.js';
export { startEmulator, type RunningEmulator, type StartEmulatorOptions } from './emulator/index.js';
export type { EmulatorFaults, EmulatorTiming, ProfileName } from './emulator/profile.js';
