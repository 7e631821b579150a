import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import {
  LAMBDA_BUNDLE_FILE,
  LAMBDA_BUNDLE_FILES,
  LAMBDA_BUNDLES,
  LAMBDA_NOTICES_FILE,
  lambdaBundleDir,
  type LambdaBundle,
} from '../src/contract/package-layout.js';

/** The generated schema modules of the AWS SDK clients (one module holds every shape of a service). */
const SDK_SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
/** `const _xN = "xmlName";`: the generator's short names for the strings a schema module repeats. */
const STRING_CONSTANT = /^const (_\w+) = ("[^"\\\n]*");$/gm;
/** `{ [_xN]: _TSa }`: a trait object whose key is one of those names. */
const COMPUTED_KEY = /\[(_\w+)\]:/g;

/**
 * Writes the SDK schemas' trait keys as the string literals they stand for (`{ "xmlName": _TSa }`).
 * A computed key might call `toString` on a value esbuild cannot see through, so esbuild keeps every
 * shape that has one, whether used or not: for EC2 that is 530 KB of shapes of which we call five
 * operations. The names are `const` strings of the same module, so the rewrite changes no value;
 * a module written otherwise is passed on untouched (and the bundle-size test then says so).
 */
export const literalSdkTraitKeys: Plugin = {
  name: 'literal-sdk-trait-keys',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: SDK_SCHEMA_MODULE }, (args) => ({ contents: withLiteralTraitKeys(readFileSync(args.path, 'utf8')), loader: 'js' }));
  },
};

/** The rewrite of `literalSdkTraitKeys`: a key naming a module-level string constant becomes that string. */
export function withLiteralTraitKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) {
    if (name !== undefined && literal !== undefined) strings.set(name, literal);
  }
  return source.replace(COMPUTED_KEY, (key, name: string) => {
    const literal = strings.get(name);
    return literal === undefined ? key : `${literal}:`;
  });
}

/**
 * The one set of esbuild options for the Lambda bundles: `npm run bundle` ships them and the
 * cold-init benchmark measures them, so what is measured is what is deployed.
 *
 * ESM for `nodejs22.x`, minified; the AWS SDK is bundled rather than taken from the runtime so that
 * the version is the one pinned in package-lock.json; nothing is external, so a bundle is one file.
 */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: false,
  // The bundled sources carry no licence comments worth keeping (one `@preserve` coverage hint):
  // the licences are written beside the bundle from the packages' own files (`thirdPartyNotices`).
  legalComments: 'none',
  metafile: true,
  mainFields: ['module', 'main'],
  external: [],
  plugins: [literalSdkTraitKeys],
  logLevel: 'error',
  // CommonJS dependencies inside an ESM bundle may still `require` Node built-ins.
  banner: { js: "import { createRequire as __etmCreateRequire } from 'node:module'; const require = __etmCreateRequire(import.meta.url);" },
} as const satisfies BuildOptions;

export interface BuiltLambda {
  readonly bytes: number;
  /** The licence notices of the packages with code in the bundle (`thirdPartyNotices`). */
  readonly notices: string;
  /** What went into the bundle, byte by byte (`topContributors`). */
  readonly metafile: Metafile;
}

/**
 * Bundles one handler into `outfile`. The file is replaced by a rename, so a synth reading it
 * meanwhile (the CDK tests run in parallel) sees the old bundle or the new one.
 */
export async function bundleLambda(packageRoot: string, bundle: LambdaBundle, outfile: string): Promise<BuiltLambda> {
  const result = await build({ ...LAMBDA_BUILD_OPTIONS, absWorkingDir: packageRoot, entryPoints: [bundle.entry], outfile, write: false });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) throw new Error(`esbuild: expected one output for ${bundle.entry}`);
  writeByRename(outfile, output.contents);
  return { bytes: output.contents.byteLength, notices: thirdPartyNotices(packageRoot, result.metafile), metafile: result.metafile };
}

function writeByRename(file: string, contents: Uint8Array | string): void {
  mkdirSync(dirname(file), { recursive: true });
  // Beside the directory, not in it: the directory is the asset, and is hashed as a whole.
  const partial = `${dirname(file)}.${process.pid}.partial`;
  writeFileSync(partial, contents);
  renameSync(partial, file);
}

/** `node_modules/@scope/name/…` or `node_modules/name/…` → the package's directory. */
const PACKAGE_DIR = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//;
const LICENCE_FILE = /^(licen[cs]e|notice)(\.(md|txt))?$/i;

/**
 * The packages with code in the bundle (name, version, licence), then each distinct text of their
 * LICENSE and NOTICE files once, with the packages it belongs to: Apache-2.0 and MIT ask for these
 * wherever the code is redistributed, and the deployed bundle is such a copy.
 */
export function thirdPartyNotices(packageRoot: string, metafile: Metafile): string {
  const dirs = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const dir = PACKAGE_DIR.exec(input)?.[1];
      if (dir !== undefined && bytesInOutput > 0) dirs.add(dir);
    }
  }
  const packages: string[] = [];
  const owners = new Map<string, string[]>();
  for (const dir of dirs) {
    const absolute = join(packageRoot, dir);
    const manifest = JSON.parse(readFileSync(join(absolute, 'package.json'), 'utf8')) as { name?: string; version?: string; license?: string };
    const id = `${manifest.name ?? dir}@${manifest.version ?? '?'}`;
    const texts = readdirSync(absolute).filter((file) => LICENCE_FILE.test(file)).map((file) => readFileSync(join(absolute, file), 'utf8').trim());
    packages.push(`${id} (${manifest.license ?? 'licence not stated'})${texts.length === 0 ? ', ships no licence file' : ''}`);
    for (const text of texts) owners.set(text, [...(owners.get(text) ?? []), id]);
  }
  const rule = '-'.repeat(78);
  const texts = [...owners].map(([text, ids]) => `${rule}\nThe text below is that of ${ids.sort().join(', ')}.\n\n${text}`).sort();
  return `The bundle beside this file contains code of these packages:\n\n${packages.sort().join('\n')}\n\n${texts.join('\n\n')}\n`;
}

/**
 * The bytes each package (or each folder of ours, `src/app`…) adds to the bundle, largest first:
 * what to look at when the bundle grows. Packages rather than files, because one package's code is
 * usually kept or dropped as a whole by the same import.
 */
export function topContributors(metafile: Metafile, count: number): Array<{ source: string; bytes: number }> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const source = PACKAGE_DIR.exec(input)?.[1]?.replace(/^.*node_modules\//, '') ?? input.split('/').slice(0, 2).join('/');
      bytes.set(source, (bytes.get(source) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].map(([source, total]) => ({ source, bytes: total })).sort((a, b) => b.bytes - a.bytes).slice(0, count);
}

/** Bundles every handler into its directory under `dist/lambda/` (the layout the construct deploys). */
export async function bundleAllLambdas(packageRoot: string): Promise<Array<{ name: string; outfile: string; bytes: number; metafile: Metafile }>> {
  return Promise.all(
    Object.values(LAMBDA_BUNDLES).map(async (bundle) => {
      const dir = lambdaBundleDir(packageRoot, bundle);
      const outfile = join(dir, LAMBDA_BUNDLE_FILE);
      const { bytes, notices, metafile } = await bundleLambda(packageRoot, bundle, outfile);
      writeByRename(join(dir, LAMBDA_NOTICES_FILE), notices);
      // The whole directory is the asset: nothing but the bundle and its notices may be in it.
      for (const entry of readdirSync(dir)) {
        if (!(LAMBDA_BUNDLE_FILES as readonly string[]).includes(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
      }
      return { name: bundle.name, outfile, bytes, metafile };
    }),
  );
}
