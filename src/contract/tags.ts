/** Every tag key this product writes starts with this prefix (sessions and ECS tasks). */
export const TAG_KEY_PREFIX = 'ecs-traffic-mirror:';

/** Marks a session as ours: nothing without MANAGED_TAG = 'true' is ever modified or deleted. */
export const MANAGED_TAG = `${TAG_KEY_PREFIX}managed`;
export const MANAGED_TAG_VALUE = 'true';
export const TASK_ARN_TAG = `${TAG_KEY_PREFIX}task-arn`;
export const CLUSTER_TAG = `${TAG_KEY_PREFIX}cluster`;
export const ENI_TAG = `${TAG_KEY_PREFIX}eni`;
/** Put on an ECS task whose interface cannot be mirrored, so sweeps and status know why. */
export const UNSUPPORTED_TASK_TAG = `${TAG_KEY_PREFIX}unsupported`;
/**
 * Put on a service task before we stop it (value: the ISO time of the claim), so that concurrent
 * event Lambdas count each other's stops in progress; overwritten with `released <time>` when the
 * claim does not lead to a stop. ECS deletes a task's tags when it stops it: a stop is then
 * known by its stop reason instead.
 */
export const STOP_CLAIM_TASK_TAG = `${TAG_KEY_PREFIX}stop-claim`;
/**
 * Put on running tasks of a service when we stop one of its tasks: the time of that stop. ECS
 * deletes a stopped task's tags, so this is the durable trace a later reader checks its answer
 * against: a recorded stop that the answer no longer shows means the answer is incomplete.
 */
export const LAST_STOP_TASK_TAG = `${TAG_KEY_PREFIX}last-stop`;
/**
 * A task tag that opts the task out of mirroring whatever the rules say: `ecs-traffic-mirror:mirror`
 * = `false`. Read from ECS's own description of the task (events carry no tags).
 */
export const OPT_OUT_TASK_TAG = `${TAG_KEY_PREFIX}mirror`;
export const OPT_OUT_TASK_TAG_VALUE = 'false';
/**
 * What a session of ours mirrors: absent for a task's own ENI; `instance` for a container
 * instance's primary ENI, which carries the traffic of every bridge/host task on it (and the
 * instance's own): one such session per instance, whatever the number of tasks.
 */
export const SOURCE_KIND_TAG = `${TAG_KEY_PREFIX}source`;
export const INSTANCE_SOURCE = 'instance';
/** The container instance ARN of an instance session: the sweep asks ECS about that instance before deleting it. */
export const CONTAINER_INSTANCE_TAG = `${TAG_KEY_PREFIX}container-instance`;
