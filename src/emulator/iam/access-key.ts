/**
 * The access key id of a SigV4-signed request: `Authorization: AWS4-HMAC-SHA256
 * Credential=<AKID>/<date>/<region>/<service>/aws4_request, SignedHeaders=…, Signature=…`
 * (SigV4's documented header form). Presigned query strings carry it as `X-Amz-Credential`.
 */
export function accessKeyIdOf(authorization: string | undefined, query?: URLSearchParams): string | undefined {
  const credential = /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1] ?? query?.get('X-Amz-Credential')?.split('/')[0];
  return credential === undefined || credential === '' ? undefined : credential;
}
