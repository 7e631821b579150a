import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLiteralTraitKeys } from '../../../scripts/lambda-build.js';
import { LAMBDA_BUNDLE_FILE, LAMBDA_BUNDLES, LAMBDA_NOTICES_FILE, findPackageRoot, lambdaBundleDir } from '../../../src/contract/package-layout.js';

const ROOT = findPackageRoot(import.meta.url);

/**
 * Cold init grows with the bundle (docs/performance.md, "Lambda cold init"); a bundle over this
 * budget is usually tree-shaking lost again: all of the SDK's schemas, or zod's locales.
 */
const BUNDLE_BUDGET_BYTES = 800 * 1024;

describe('the Lambda bundles (built by the global setup)', () => {
  for (const bundle of Object.values(LAMBDA_BUNDLES)) {
    it(`${bundle.name} stays within ${BUNDLE_BUDGET_BYTES / 1024} KiB`, () => {
      const bytes = statSync(join(lambdaBundleDir(ROOT, bundle), LAMBDA_BUNDLE_FILE)).size;

      expect(bytes).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
    });

    it(`${bundle.name} ships the licences of the packages it bundles`, () => {
      const notices = readFileSync(join(lambdaBundleDir(ROOT, bundle), LAMBDA_NOTICES_FILE), 'utf8');

      for (const name of ['@aws-sdk/client-ec2', '@aws-sdk/client-ecs', '@smithy/core', 'zod', '@aws-lambda-powertools/logger']) expect(notices).toContain(`\n${name}@`);
      expect(notices).toContain('Apache License');
      expect(notices).toContain('MIT License');
    });
  }
});

describe('withLiteralTraitKeys', () => {
  it('writes a computed key naming a string constant of the module as that string', () => {
    const source = ['const _xN = "xmlName";', 'const _TSa = "TagSpecification";', 'export var A$ = [0, [() => L, { [_xN]: _TSa }]];'].join('\n');

    const rewritten = withLiteralTraitKeys(source);

    expect(rewritten).toContain('{ "xmlName": _TSa }');
  });

  it('leaves a key naming anything else as it is', () => {
    const source = ['let _k = "mutable";', 'export var A$ = [{ [_k]: 1, [_unknown]: 2 }];'].join('\n');

    expect(withLiteralTraitKeys(source)).toBe(source);
  });
});
