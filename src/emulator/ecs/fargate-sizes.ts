import { clientException } from './errors.js';

/**
 * The task sizes Fargate runs. ECS model (RegisterTaskDefinition.memory): "If using the Fargate
 * launch type, this field is required and you must use one of the following values":
 *   cpu 256: memory 512, 1024, 2048
 *   cpu 512: 1024 to 4096 in 1024 steps
 *   cpu 1024: 2048 to 8192 in 1024 steps
 *   cpu 2048: 4096 to 16384 in 1024 steps
 *   cpu 4096: 8192 to 30720 in 1024 steps
 *   cpu 8192: 16 GB to 60 GB in 4 GB steps
 *   cpu 16384: 32 GB to 120 GB in 8 GB steps
 * The answer for another pair (ClientException "No Fargate configuration exists for given
 * values") is what ECS sends in practice: the message is inferred from observed answers.
 */
const MEMORY_BY_CPU: ReadonlyMap<number, (memory: number) => boolean> = new Map([
  [256, (m: number) => m === 512 || m === 1024 || m === 2048],
  [512, steps(1024, 4096, 1024)],
  [1024, steps(2048, 8192, 1024)],
  [2048, steps(4096, 16_384, 1024)],
  [4096, steps(8192, 30_720, 1024)],
  [8192, steps(16_384, 61_440, 4096)],
  [16_384, steps(32_768, 122_880, 8192)],
]);

function steps(min: number, max: number, step: number): (memory: number) => boolean {
  return (memory) => memory >= min && memory <= max && (memory - min) % step === 0;
}

/**
 * ECS model (RegisterTaskDefinition.cpu / memory): integers in CPU units and MiB, or strings in
 * vCPU and GB ("1 vCPU", "1GB") that ECS converts when it registers the definition.
 */
export function cpuUnits(value: string): number | undefined {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(vcpu)?\s*$/i.exec(value);
  if (!match?.[1]) return undefined;
  const amount = Number(match[1]);
  return match[2] ? Math.round(amount * 1024) : amount;
}

export function memoryMiB(value: string): number | undefined {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(gb)?\s*$/i.exec(value);
  if (!match?.[1]) return undefined;
  const amount = Number(match[1]);
  return match[2] ? Math.round(amount * 1024) : amount;
}

export function checkFargateSize(cpu: string, memory: string): void {
  const units = cpuUnits(cpu);
  const mib = memoryMiB(memory);
  const allowed = units === undefined ? undefined : MEMORY_BY_CPU.get(units);
  if (mib === undefined || !allowed?.(mib)) {
    throw clientException(`No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`);
  }
}
