/**
 * The access key id of a SigV4-signed request: `Authorization: AWS4-HMAC-SHA256
 * Credential=<AKID>/<date>/<region>/<service>/aws4_request, SignedHeaders=…, Signature=…`
 * (SigV4's documented header form). Presigned query strings carry it as `X-Amz-Credential`.
 */
export function accessKeyIdOf(authorization: string | undefined, query?: URLSearchParams): string | undefined {
  return credentialScopeOf(authorization, query)?.accessKeyId;
}

/** The signer's key id and its credential scope's Region and service (SigV4: `<AKID>/<date>/<region>/<service>/aws4_request`). */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly region: string | undefined;
  readonly service: string | undefined;
}

export function credentialScopeOf(authorization: string | undefined, query?: URLSearchParams): CredentialScope | undefined {
  const credential = /Credential=([^/,\s]+\/[^,\s]*)/.exec(authorization ?? '')?.[1] ?? query?.get('X-Amz-Credential') ?? undefined;
  const [accessKeyId, , region, service] = (credential ?? '').split('/');
  if (accessKeyId === undefined || accessKeyId === '') return undefined;
  return { accessKeyId, region: region || undefined, service: service || undefined };
}
