/**
 * Minimal XML encoder for EC2 query-protocol answers. Member names are the model's
 * `locationName`s; lists are wrapped as `<xxxSet><item>…</item></xxxSet>`, which is how EC2
 * serialises every list (the SDK parsers expect exactly that).
 */
export type XmlValue = string | number | boolean | undefined | null | readonly XmlValue[] | XmlObject;
export interface XmlObject {
  readonly [key: string]: XmlValue;
}

export const EC2_XML_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

// Array.isArray does not narrow readonly arrays away, hence this guard.
function isList(value: XmlValue): value is readonly XmlValue[] {
  return Array.isArray(value);
}

function encodeValue(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (isList(value)) {
    const items = value.map((item: XmlValue) => encodeValue('item', item)).join('');
    return `<${name}>${items}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${encodeMembers(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function encodeMembers(object: XmlObject): string {
  let out = '';
  for (const [name, value] of Object.entries(object)) out += encodeValue(name, value);
  return out;
}

/** `<ActionResponse xmlns=…><requestId>…</requestId>…</ActionResponse>` */
export function ec2ResponseXml(action: string, requestId: string, body: XmlObject): string {
  return (
    `${XML_DECLARATION}<${action}Response xmlns="${EC2_XML_NAMESPACE}">` +
    `<requestId>${escapeXml(requestId)}</requestId>${encodeMembers(body)}</${action}Response>`
  );
}

/** EC2's error envelope (note: `RequestID`, unlike the success answer's `requestId`). */
export function ec2ErrorXml(code: string, message: string, requestId: string): string {
  return (
    `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors>` +
    `<RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}
