import { DescribeAvailabilityZonesCommand, DescribeNetworkInterfacesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { expectEc2Error } from '../helpers.js';

// Two accounts whose us-east-1a are different zones (the emulator draws each account's mapping from its id).
const FIRST = '222222222222';
const SECOND = '333333333333';
const KEYS = { AKIAFIRSTKEY: { accountId: FIRST }, AKIASECONDKEY: { accountId: SECOND } } as const;

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const ec2 = (e: RunningEmulator, accessKeyId: string, region = 'us-east-1') =>
  new EC2Client({ endpoint: e.url, region, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });

async function zoneMap(client: EC2Client): Promise<Record<string, string>> {
  const answer = await client.send(new DescribeAvailabilityZonesCommand({}));
  return Object.fromEntries((answer.AvailabilityZones ?? []).map((zone) => [zone.ZoneName ?? '', zone.ZoneId ?? '']));
}

describe('AZ names and ids per account', () => {
  it('maps names to ids per account, the same ids everywhere; the default account keeps a = az1', async () => {
    // prepare
    emulator = await startEmulator({ port: 0, org: { accessKeys: KEYS } });
    // act
    const byDefault = await zoneMap(ec2(emulator, 'test'));
    const first = await zoneMap(ec2(emulator, 'AKIAFIRSTKEY'));
    const second = await zoneMap(ec2(emulator, 'AKIASECONDKEY'));
    // assess
    expect(byDefault).toEqual({ 'us-east-1a': 'use1-az1', 'us-east-1b': 'use1-az2', 'us-east-1c': 'use1-az3' });
    expect(first['us-east-1a']).not.toBe(second['us-east-1a']);
    for (const zones of [first, second]) {
      expect(Object.keys(zones)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
      expect(Object.values(zones).sort()).toEqual(['use1-az1', 'use1-az2', 'use1-az3']);
    }
  });

  it('reports the same zone id for a subnet, its ENIs and DescribeAvailabilityZones within an account', async () => {
    // prepare
    emulator = await startEmulator({ port: 0, org: { accessKeys: KEYS } });
    const client = ec2(emulator, 'AKIASECONDKEY');
    const cell = emulator.org.cells.get(SECOND, 'us-east-1');
    const zones = await zoneMap(client);
    const subnetIds = [...cell.network.subnets.keys()];
    const eni = cell.network.createEni({ subnetId: subnetIds[0] ?? '' });
    // act
    const subnets = (await client.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
    const [described] = (await client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.networkInterfaceId] }))).NetworkInterfaces ?? [];
    // assess
    for (const subnet of subnets) expect(subnet.AvailabilityZoneId).toBe(zones[subnet.AvailabilityZone ?? '']);
    expect(described?.AvailabilityZoneId).toBe(zones[described?.AvailabilityZone ?? '']);
  });

  it('keeps the mapping uniform in a Region opened after November 2012', async () => {
    emulator = await startEmulator({ port: 0, org: { accessKeys: KEYS } });
    expect(await zoneMap(ec2(emulator, 'AKIAFIRSTKEY', 'eu-central-1'))).toEqual({ 'eu-central-1a': 'euc1-az1', 'eu-central-1b': 'euc1-az2', 'eu-central-1c': 'euc1-az3' });
  });

  it('selects by name, id and filter; refuses an unknown zone', async () => {
    // prepare
    emulator = await startEmulator({ port: 0, org: { accessKeys: KEYS } });
    const client = ec2(emulator, 'AKIAFIRSTKEY');
    const zones = await zoneMap(client);
    // act
    const byName = await client.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1b'] }));
    const byId = await client.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['use1-az1'] }));
    const byFilter = await client.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-id', Values: ['use1-az2'] }] }));
    // assess
    expect(byName.AvailabilityZones?.map((z) => [z.ZoneName, z.ZoneId, z.State, z.ZoneType, z.RegionName, z.OptInStatus])).toEqual([
      ['us-east-1b', zones['us-east-1b'], 'available', 'availability-zone', 'us-east-1', 'opt-in-not-required'],
    ]);
    expect(byId.AvailabilityZones?.map((z) => z.ZoneId)).toEqual(['use1-az1']);
    expect(byFilter.AvailabilityZones?.map((z) => z.ZoneId)).toEqual(['use1-az2']);
    await expectEc2Error(client.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1x'] })), 'InvalidParameterValue', 400);
  });
});
