import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../contract/metrics.js';
import { ENV } from '../contract/variables.js';
import type { Logger, Metrics } from '../ports/index.js';


/** Structured JSON logs (Powertools) behind the Logger port. */
export function powertoolsLogger(): Logger & { raw: PowertoolsLogger } {
  const raw = new PowertoolsLogger({ serviceName: process.env[ENV.powertoolsServiceName] ?? SERVICE_NAME });
  return {
    raw,
    debug: (message, attributes) => raw.debug(message, attributes ?? {}),
    info: (message, attributes) => raw.info(message, attributes ?? {}),
    warn: (message, attributes) => raw.warn(message, attributes ?? {}),
    error: (message, attributes) => raw.error(message, attributes ?? {}),
  };
}

/** CloudWatch metrics in Embedded Metric Format, one count per outcome, flushed per invocation. */
export function powertoolsMetrics(): Metrics {
  const raw = new PowertoolsMetrics({
    namespace: process.env[ENV.powertoolsMetricsNamespace] ?? METRICS_NAMESPACE,
    serviceName: process.env[ENV.powertoolsServiceName] ?? SERVICE_NAME,
  });
  let pending = false;
  return {
    count: (name, value = 1) => {
      raw.addMetric(name, MetricUnit.Count, value);
      pending = true;
    },
    percent: (name, value) => {
      raw.addMetric(name, MetricUnit.Percent, value);
      pending = true;
    },
    flush: () => {
      if (!pending) return;
      raw.publishStoredMetrics();
      pending = false;
    },
  };
}
