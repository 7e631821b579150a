import { z } from 'zod';

/** An IAM policy document as AWS accepts it (validated in full by the evaluator). */
export type PolicyDocument = Readonly<Record<string, unknown>>;

/** Identity policies per access key id: the key stands for the principal (a role's session). */
export type IamPolicies = Readonly<Record<string, readonly PolicyDocument[]>>;

const document = z.record(z.string(), z.unknown());
const FILE = z.record(z.string().min(1), z.union([document, z.array(document)]));

/**
 * The `--iam` file: `{ "<access key id>": <policy document> | [<policy document>, …] }`. Only
 * the shape is checked here; the evaluator validates each document's grammar on first use.
 */
export function parseIamPolicies(json: unknown): IamPolicies {
  const parsed = FILE.safeParse(json);
  if (!parsed.success) {
    throw new Error(`IAM policies: expected {"<access key id>": <policy document> | [<policy document>, ...]}: ${parsed.error.message}`);
  }
  return Object.fromEntries(
    Object.entries(parsed.data).map(([key, value]) => [key, Array.isArray(value) ? value : [value]]),
  );
}
