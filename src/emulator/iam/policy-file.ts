import { readFile } from 'node:fs/promises';
import { parseIamPolicies, type IamPolicies } from './policies.js';

/** Reads an `--iam` file (see parseIamPolicies); errors name the file. */
export async function readIamPolicyFile(file: string): Promise<IamPolicies> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`--iam ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return parseIamPolicies(JSON.parse(text));
  } catch (error) {
    throw new Error(`--iam ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
