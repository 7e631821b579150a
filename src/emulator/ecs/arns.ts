/**
 * ECS resource ARNs. Tasks, containers and services exist in two formats: the long one
 * (`task/<cluster>/<id>`), the default since 2021, and the old one (`task/<id>`) that accounts
 * which never opted in still produce; consumers must handle both.
 */
export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

export type TaskArnFormat = 'long' | 'old';

const prefix = (scope: ArnScope): string => `arn:aws:ecs:${scope.region}:${scope.accountId}`;

export const clusterArn = (scope: ArnScope, name: string): string => `${prefix(scope)}:cluster/${name}`;

export const taskArn = (scope: ArnScope, format: TaskArnFormat, cluster: string, id: string): string =>
  format === 'long' ? `${prefix(scope)}:task/${cluster}/${id}` : `${prefix(scope)}:task/${id}`;

export const containerArn = (scope: ArnScope, format: TaskArnFormat, cluster: string, taskId: string, id: string): string =>
  format === 'long' ? `${prefix(scope)}:container/${cluster}/${taskId}/${id}` : `${prefix(scope)}:container/${id}`;

export const serviceArn = (scope: ArnScope, cluster: string, name: string): string =>
  `${prefix(scope)}:service/${cluster}/${name}`;

export const taskDefinitionArn = (scope: ArnScope, family: string, revision: number): string =>
  `${prefix(scope)}:task-definition/${family}:${revision}`;

export const attachmentArn = (scope: ArnScope, id: string): string => `${prefix(scope)}:attachment/${id}`;

export interface ParsedArn {
  readonly region: string;
  readonly accountId: string;
  /** `cluster`, `task`, `service`, `task-definition`, … */
  readonly resourceType: string;
  /** The path after the resource type, split on `/`. */
  readonly path: readonly string[];
}

/** Parses `arn:aws:ecs:<region>:<account>:<type>/<path>`; undefined for anything else. */
export function parseEcsArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'ecs') return undefined;
  const [type, ...path] = parts.slice(5).join(':').split('/');
  if (!type || path.length === 0 || path.some((segment) => segment === '')) return undefined;
  return { region: parts[3] ?? '', accountId: parts[4] ?? '', resourceType: type, path };
}

/** Whether a parsed ARN points into this emulator's account and Region. */
export const isInScope = (arn: ParsedArn, scope: ArnScope): boolean =>
  arn.region === scope.region && arn.accountId === scope.accountId;
