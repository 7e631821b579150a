import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INFORMATIONAL_METRICS } from '../../infra/mirror-monitoring.js';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../src/contract/metrics.js';
import { FILTER_ID, TARGET_ID, mirrorStack, renderJoin } from './helpers.js';

/**
 * Every metric the Lambdas emit (METRIC, the one table src/ emits from) is on the dashboard, and
 * each either has an alarm or is listed as informational with its reason: a metric nobody sees
 * is a failure nobody hears about.
 */
describe('dashboard and alarms cover every emitted metric', () => {
  const { stack } = mirrorStack({ targetId: TARGET_ID, filterId: FILTER_ID });
  const template = Template.fromStack(stack);

  function chartedMetricNames(): Set<string> {
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as { Properties: { DashboardBody: unknown } };
    const body = JSON.parse(renderJoin(dashboard.Properties.DashboardBody)) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> };
    const names = new Set<string>();
    for (const widget of body.widgets) {
      for (const row of widget.properties.metrics ?? []) {
        // A metric row is [namespace, name, dimension, value, …, options].
        if (row[0] === METRICS_NAMESPACE && typeof row[1] === 'string') names.add(row[1]);
      }
    }
    return names;
  }

  function alarmedMetricNames(): Set<string> {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: { Namespace?: string; MetricName?: string } }>;
    return new Set(alarms.filter((alarm) => alarm.Properties.Namespace === METRICS_NAMESPACE).flatMap((alarm) => alarm.Properties.MetricName ?? []));
  }

  it('charts every metric in METRIC', () => {
    const charted = chartedMetricNames();
    expect(METRIC_NAMES.filter((name) => !charted.has(name))).toEqual([]);
  });

  it('alarms on every metric in METRIC that is not informational', () => {
    const alarmed = alarmedMetricNames();
    expect(METRIC_NAMES.filter((name) => INFORMATIONAL_METRICS[name] === undefined && !alarmed.has(name))).toEqual([]);
    expect(alarmed.has('InvalidEvent') && alarmed.has('EventFailed')).toBe(true);
  });

  it('lists as informational only metrics that exist, each with a reason, and alarms on none of them', () => {
    const alarmed = alarmedMetricNames();
    for (const [name, reason] of Object.entries(INFORMATIONAL_METRICS)) {
      expect(METRIC_NAMES as readonly string[]).toContain(name);
      expect(reason.length).toBeGreaterThan(10);
      expect(alarmed.has(name), name).toBe(false);
    }
  });
});
