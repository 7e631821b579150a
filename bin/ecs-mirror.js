#!/usr/bin/env node
// `ecs-mirror`: the compiled CLI (dist/, built by `npm run build` and by `prepack`) in an installed
// package. In a clone, where src/ sits beside this file and tsx is installed, it runs the sources
// instead: `npx ecs-mirror` works right after `npm ci` without a build step, and never runs a dist/
// that is older than the sources.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);

if (existsSync(sources) && (await registerTsx())) {
  await import(sources.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('ecs-mirror: dist/ is missing: run npm run build\n');
  process.exitCode = 1;
}

/** tsx is a dev dependency: present in a clone after `npm ci`, absent after `npm ci --omit=dev`. */
async function registerTsx() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return true;
  } catch {
    return false;
  }
}
