/** Request counts per service and action, so benchmarks can count calls (throttled included). */
export interface ServiceStats {
  /** Requests per action, throttled ones included. */
  readonly requests: Readonly<Record<string, number>>;
  /** Requests per action answered with a throttling error. */
  readonly throttled: Readonly<Record<string, number>>;
  /** Requests per action answered with an error, by error code (throttling included). */
  readonly errors: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly total: number;
  readonly throttledTotal: number;
}

export interface EmulatorStats {
  readonly ec2: ServiceStats;
  readonly ecs: ServiceStats;
  /** All EC2 and ECS requests. */
  readonly total: number;
}

export type StatsService = 'ec2' | 'ecs';

class ServiceCounter {
  private requests = new Map<string, number>();
  private throttled = new Map<string, number>();
  private errors = new Map<string, Map<string, number>>();

  record(action: string, throttled: boolean, errorCode?: string): void {
    this.requests.set(action, (this.requests.get(action) ?? 0) + 1);
    if (throttled) this.throttled.set(action, (this.throttled.get(action) ?? 0) + 1);
    if (errorCode !== undefined) {
      const codes = this.errors.get(action) ?? new Map<string, number>();
      codes.set(errorCode, (codes.get(errorCode) ?? 0) + 1);
      this.errors.set(action, codes);
    }
  }

  snapshot(): ServiceStats {
    const sum = (map: Map<string, number>): number => [...map.values()].reduce((a, b) => a + b, 0);
    return {
      requests: Object.fromEntries(this.requests),
      throttled: Object.fromEntries(this.throttled),
      errors: Object.fromEntries([...this.errors].map(([action, codes]) => [action, Object.fromEntries(codes)])),
      total: sum(this.requests),
      throttledTotal: sum(this.throttled),
    };
  }

  reset(): void {
    this.requests = new Map();
    this.throttled = new Map();
    this.errors = new Map();
  }
}

export class StatsRecorder {
  private readonly services: Record<StatsService, ServiceCounter> = {
    ec2: new ServiceCounter(),
    ecs: new ServiceCounter(),
  };

  record(service: StatsService, action: string, throttled: boolean, errorCode?: string): void {
    this.services[service].record(action, throttled, errorCode);
  }

  snapshot(): EmulatorStats {
    const ec2 = this.services.ec2.snapshot();
    const ecs = this.services.ecs.snapshot();
    return { ec2, ecs, total: ec2.total + ecs.total };
  }

  reset(): void {
    this.services.ec2.reset();
    this.services.ecs.reset();
  }
}
