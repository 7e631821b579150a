/**
 * One authorization an API call needs: an IAM action on one resource ARN with the request's
 * context keys. A call can need several (CreateTrafficMirrorSession authorizes four resources and,
 * with tags, ec2:CreateTags too); all must be allowed.
 */
export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /**
   * The resource ARN has a form the Service Authorization Reference does not model (an old-format
   * task ARN, `task/<id>`): evaluated without the evaluator's ARN-against-resource-type check.
   */
  readonly unmodelledArn?: boolean;
}

export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** The request-tag keys of the Service Authorization Reference: `aws:RequestTag/<k>` and `aws:TagKeys`. */
export function requestTagContext(tags: readonly { key: string; value: string }[]): Record<string, string | string[]> {
  if (tags.length === 0) return {};
  return {
    'aws:TagKeys': tags.map((tag) => tag.key),
    ...Object.fromEntries(tags.map((tag) => [`aws:RequestTag/${tag.key}`, tag.value])),
  };
}

/** `aws:ResourceTag/<k>` of an existing resource. */
export function resourceTagContext(tags: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
}
