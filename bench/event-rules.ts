/**
 * The two EventBridge rules of the benchmark, as event patterns: which task state changes reach
 * the seed's Lambda and which reach our queue. Only the pattern features these rules use are
 * implemented (exact string matches on top-level and `detail` fields).
 */
export interface EventPattern {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: Readonly<Record<string, readonly string[]>>;
}

/** The seed blog post's rule: ACTIVATING only, in one cluster. */
export function seedRule(clusterArn: string): EventPattern {
  return {
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: { clusterArn: [clusterArn], lastStatus: ['ACTIVATING'] },
  };
}

/** The CDK construct's rule (infra/ecs-traffic-mirror.ts): PENDING, ACTIVATING and RUNNING. */
export const CONSTRUCT_RULE: EventPattern = {
  source: ['aws.ecs'],
  'detail-type': ['ECS Task State Change'],
  detail: { lastStatus: ['PENDING', 'ACTIVATING', 'RUNNING'] },
};

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function oneOf(value: unknown, allowed: readonly string[]): boolean {
  return typeof value === 'string' && allowed.includes(value);
}

export function matches(pattern: EventPattern, event: unknown): boolean {
  if (!oneOf(field(event, 'source'), pattern.source)) return false;
  if (!oneOf(field(event, 'detail-type'), pattern['detail-type'])) return false;
  const detail = field(event, 'detail');
  return Object.entries(pattern.detail).every(([name, allowed]) => oneOf(field(detail, name), allowed));
}
