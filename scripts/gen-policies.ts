/**
 * `npm run gen:policies`: synthesizes the construct with default props and writes each Lambda
 * role's identity policy to src/emulator/iam/construct-policies.json, for the demo (which cannot
 * synthesize at run time). test/infra/construct-policies.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { constructPoliciesFileText } from '../infra/synthesized-policies.js';

const file = new URL('../src/emulator/iam/construct-policies.json', import.meta.url);
writeFileSync(file, constructPoliciesFileText());
process.stdout.write(`wrote ${file.pathname}\n`);
