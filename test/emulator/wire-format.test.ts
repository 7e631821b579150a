import { describe, expect, it } from 'vitest';
import { paginate } from '../../src/emulator/ec2/paging.js';
import { decodeQuery } from '../../src/emulator/query.js';
import { TokenBucket } from '../../src/emulator/throttle.js';
import { ec2ErrorXml, encodeMembers } from '../../src/emulator/xml.js';

describe('decodeQuery', () => {
  it('nests flattened lists and structures in index order', () => {
    const decoded = decodeQuery(
      new URLSearchParams(
        'Action=X&Filter.2.Name=b&Filter.1.Name=a&Filter.1.Value.2=y&Filter.1.Value.1=x&Filter.10.Name=j' +
          '&TagSpecification.1.ResourceType=traffic-mirror-session&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v' +
          '&ResourceId.1=r1&ResourceId.2=r2&DestinationPortRange.FromPort=1',
      ),
    );
    expect(decoded).toEqual({
      Action: 'X',
      Filter: [{ Name: 'a', Value: ['x', 'y'] }, { Name: 'b' }, { Name: 'j' }],
      TagSpecification: [{ ResourceType: 'traffic-mirror-session', Tag: [{ Key: 'k', Value: 'v' }] }],
      ResourceId: ['r1', 'r2'],
      DestinationPortRange: { FromPort: '1' },
    });
  });

  it('treats an empty list marker as empty and cannot be polluted', () => {
    const decoded = decodeQuery(new URLSearchParams('Filter=&__proto__.polluted=1'));
    expect(decoded['Filter']).toBe('');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('XML encoding', () => {
  it('escapes text and wraps lists in item elements', () => {
    expect(encodeMembers({ description: '<a & "b">', tagSet: [{ key: 'k', value: 'v' }], empty: [], none: undefined })).toBe(
      '<description>&lt;a &amp; &quot;b&quot;&gt;</description><tagSet><item><key>k</key><value>v</value></item></tagSet><empty></empty>',
    );
    expect(ec2ErrorXml('Code<', 'msg&', 'rid')).toContain('<Code>Code&lt;</Code><Message>msg&amp;</Message>');
  });
});

describe('TokenBucket', () => {
  it('starts full, empties and refills by elapsed time', () => {
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 5 }, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([true, true, false]);
    expect(bucket.tryTake(199)).toBe(false);
    expect(bucket.tryTake(200)).toBe(true);
    expect([bucket.tryTake(10_000), bucket.tryTake(10_000), bucket.tryTake(10_000)]).toEqual([true, true, false]);
  });
});

describe('paginate', () => {
  it('reads lazily: a first page does not walk the whole collection', () => {
    let visited = 0;
    function* items(): Iterable<number> {
      for (let i = 0; i < 1_000_000; i += 1) {
        visited += 1;
        yield i;
      }
    }
    const page = paginate('n', items(), () => true, { maxResults: 5 }, (n) => n);
    expect(page.items).toEqual([0, 1, 2, 3, 4]);
    expect(visited).toBe(6);
    const next = paginate('n', [0, 1, 2, 3, 4, 5, 6], () => true, { maxResults: 5, nextToken: page.nextToken }, (n) => n);
    expect(next).toEqual({ items: [5, 6] });
  });
});
