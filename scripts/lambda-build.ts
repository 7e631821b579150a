import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import {
  LAMBDA_BUNDLE_FILE,
  LAMBDA_BUNDLES,
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
    pluginBuild.onLoad({ filter: SDK_SCHEMA_MODULE }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const strings = new Map<string, string>();
      for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) {
        if (name !== undefined && literal !== undefined) strings.set(name, literal);
      }
      const contents = source.replace(COMPUTED_KEY, (key, name: string) => {
        const literal = strings.get(name);
        return literal === undefined ? key : `${literal}:`;
      });
      return { contents, loader: 'js' };
    });
  },
};

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
  mainFields: ['module', 'main'],
  external: [],
  plugins: [literalSdkTraitKeys],
  logLevel: 'error',
  // CommonJS dependencies inside an ESM bundle may still `require` Node built-ins.
  banner: { js: "import { createRequire as __etmCreateRequire } from 'node:module'; const require = __etmCreateRequire(import.meta.url);" },
} as const satisfies BuildOptions;

/**
 * Bundles one handler into `outfile`; returns its size in bytes. The file is replaced by a rename,
 * so a synth reading it meanwhile (the CDK tests run in parallel) sees the old bundle or the new one.
 */
export async function bundleLambda(packageRoot: string, bundle: LambdaBundle, outfile: string): Promise<number> {
  const result = await build({ ...LAMBDA_BUILD_OPTIONS, absWorkingDir: packageRoot, entryPoints: [bundle.entry], outfile, write: false });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) throw new Error(`esbuild: expected one output for ${bundle.entry}`);
  mkdirSync(dirname(outfile), { recursive: true });
  // Beside the directory, not in it: the directory is the asset, and is hashed as a whole.
  const partial = `${dirname(outfile)}.${process.pid}.partial`;
  writeFileSync(partial, output.contents);
  renameSync(partial, outfile);
  return output.contents.byteLength;
}

/** Bundles every handler into its directory under `dist/lambda/` (the layout the construct deploys). */
export async function bundleAllLambdas(packageRoot: string): Promise<Array<{ name: string; outfile: string; bytes: number }>> {
  return Promise.all(
    Object.values(LAMBDA_BUNDLES).map(async (bundle) => {
      const dir = lambdaBundleDir(packageRoot, bundle);
      const outfile = join(dir, LAMBDA_BUNDLE_FILE);
      const bytes = await bundleLambda(packageRoot, bundle, outfile);
      // The whole directory is the asset: nothing but the bundle may be in it.
      for (const entry of readdirSync(dir)) {
        if (entry !== LAMBDA_BUNDLE_FILE) rmSync(join(dir, entry), { recursive: true, force: true });
      }
      return { name: bundle.name, outfile, bytes };
    }),
  );
}
