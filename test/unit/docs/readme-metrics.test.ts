import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../../src/contract/metrics.js';
import { INFORMATIONAL_METRICS } from '../../../infra/mirror-monitoring.js';

/** The README's metric table names every metric the Lambdas emit, and says rightly which alarm. */
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Observability'), readme.indexOf('## How it differs'));

function rows(): Map<string, string> {
  const alarms = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || !cells[1]?.startsWith('`')) continue;
    for (const name of cells[1].matchAll(/`([A-Za-z]+)`/g)) alarms.set(name[1] ?? '', cells[2] ?? '');
  }
  return alarms;
}

describe('README metric table', () => {
  it('lists every emitted metric once and says whether it alarms as the construct does', () => {
    const table = rows();
    expect([...table.keys()].sort()).toEqual([...METRIC_NAMES].sort());
    for (const name of METRIC_NAMES) {
      expect(table.get(name)?.startsWith('no'), name).toBe(INFORMATIONAL_METRICS[name] !== undefined);
    }
  });
});

describe('docs/deploy.md alarm table', () => {
  it('has a row for every metric the construct alarms on', () => {
    const deploy = readFileSync(new URL('../../../docs/deploy.md', import.meta.url), 'utf8');
    const alarmed = METRIC_NAMES.filter((name) => INFORMATIONAL_METRICS[name] === undefined);
    for (const name of alarmed) expect(deploy, name).toMatch(new RegExp(`^\\| ${name} \\| `, 'm'));
  });
});
