import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

/** A filter accepting all TCP and UDP traffic, both directions (4 rules); returns its id. */
export function createAcceptAllFilter(scope: Construct): string {
  const filter = new ec2.CfnTrafficMirrorFilter(scope, 'Filter', {
    description: 'ecs-traffic-mirror: all TCP and UDP traffic, both directions',
  });
  const protocols = [
    { name: 'Tcp', protocol: 6, ruleNumber: 100 },
    { name: 'Udp', protocol: 17, ruleNumber: 200 },
  ];
  for (const direction of ['ingress', 'egress'] as const) {
    for (const { name, protocol, ruleNumber } of protocols) {
      new ec2.CfnTrafficMirrorFilterRule(scope, `Filter${direction === 'ingress' ? 'Ingress' : 'Egress'}${name}`, {
        trafficMirrorFilterId: filter.ref,
        trafficDirection: direction,
        ruleNumber,
        ruleAction: 'accept',
        protocol,
        sourceCidrBlock: '0.0.0.0/0',
        destinationCidrBlock: '0.0.0.0/0',
        description: `accept all ${name.toUpperCase()} ${direction}`,
      });
    }
  }
  return filter.ref;
}
