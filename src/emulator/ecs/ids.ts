import type { Random } from '../random.js';

/** Identifiers in the formats ECS and EventBridge use, drawn from the seeded random source. */
export function uuid(random: Random): string {
  const hex = random.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 32-hex-digit id of tasks and containers in the long ARN format. */
export function longTaskId(random: Random): string {
  return random.hex(32);
}

/** Service deployments are named `ecs-svc/<19 digits>`; their tasks carry it as startedBy. */
export function deploymentId(random: Random): string {
  let digits = String(random.int(1, 9));
  while (digits.length < 19) digits += String(random.int(0, 9));
  return `ecs-svc/${digits}`;
}
