import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { EcsTrafficMirrorProps, MirrorRule } from '../../infra/ecs-traffic-mirror.js';
import { FILTER_ID, TARGET_ID, arn, granting, mirrorStack, statementsOfRole } from './helpers.js';

const T = (n: number) => `tmt-0${String(n).padStart(16, '0')}`;
const F = (n: number) => `tmf-0${String(n).padStart(16, '0')}`;
const RULES: MirrorRule[] = [
  { match: { services: ['payments'] }, packetLength: 128, filterId: F(9) },
  { targetsByAz: { 'use1-az1': [T(1), T(2)], 'use1-az2': [T(3)] } },
];

function synth(props: Partial<EcsTrafficMirrorProps>) {
  const built = mirrorStack({ targetId: TARGET_ID, filterId: FILTER_ID, ...props });
  return { ...built, template: Template.fromStack(built.stack) };
}

describe('rules prop', () => {
  it('puts the rules in both Lambdas as MIRROR_RULES (inline JSON)', () => {
    const { template } = synth({ rules: RULES });
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: { Environment: { Variables: Record<string, string> } } }[];
    expect(functions).toHaveLength(2);
    for (const fn of functions) expect(JSON.parse(fn.Properties.Environment.Variables['MIRROR_RULES'] ?? '')).toEqual({ rules: RULES });
  });

  it('allows Create and Modify to every target and filter the rules name, Modify only on sessions with our ownership tag', () => {
    const { template } = synth({ rules: RULES });
    for (const role of ['EventFunctionRole', 'ReconcileFunctionRole']) {
      const statements = statementsOfRole(template, role);
      const pinned = [T(1), T(2), T(3), TARGET_ID].map((id) => arn('ec2', `traffic-mirror-target/${id}`)).concat([FILTER_ID, F(9)].map((id) => arn('ec2', `traffic-mirror-filter/${id}`)));
      const toTarget = statements.find((s) => s.Sid === 'CreateSessionToTarget');
      expect([...(toTarget?.Resource ?? [])].sort()).toEqual([...pinned].sort());
      const modify = granting(statements, 'ec2:ModifyTrafficMirrorSession');
      expect(modify.find((s) => s.Sid === 'ModifyOnlyManagedSessions')).toMatchObject({
        Resource: [arn('ec2', 'traffic-mirror-session/*')],
        Condition: { StringEquals: { 'aws:ResourceTag/ecs-traffic-mirror:managed': 'true' } },
      });
      expect([...(modify.find((s) => s.Sid === 'ModifySessionToTarget')?.Resource ?? [])].sort()).toEqual([...pinned].sort());
      // A pool of two and per-AZ pools: the quotas of targets and the AZ ids of subnets are read.
      expect(granting(statements, 'ec2:DescribeTrafficMirrorTargets')).toMatchObject([{ Resource: ['*'] }]);
      expect(granting(statements, 'ec2:DescribeSubnets')).toMatchObject([{ Resource: ['*'] }]);
    }
  });

  it('grants DescribeTrafficMirrorTargets and DescribeSubnets only when the rules need them', () => {
    const { template } = synth({ rules: [{ match: { services: ['payments'] }, packetLength: 128 }] });
    for (const role of ['EventFunctionRole', 'ReconcileFunctionRole']) {
      const statements = statementsOfRole(template, role);
      expect(granting(statements, 'ec2:DescribeTrafficMirrorTargets')).toEqual([]);
      expect(granting(statements, 'ec2:DescribeSubnets')).toEqual([]);
    }
  });

  it('refuses invalid rules at synth naming the field', () => {
    expect(() => synth({ rules: [{}, { targetsByAz: { 'use1-az1': ['tmt-nope'] } }] })).toThrow('rules: rules[1].targetsByAz.use1-az1[0]: not a tmt- id');
  });

  it("refuses rules that would take the Lambda environment past 4 KB, with a clear message", () => {
    const many: MirrorRule[] = Array.from({ length: 60 }, (_, i) => ({ match: { services: [`service-${i}`] }, targetId: T(i + 1) }));
    expect(() => synth({ rules: many })).toThrow(/^rules: the Lambda environment would be \d+ bytes with these rules, past Lambda's 4 KB limit/);
  });

  it('is cdk-nag clean with rules', () => {
    const { app } = synth({ rules: RULES });
    expect(new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName)).toEqual([]);
  });
});
