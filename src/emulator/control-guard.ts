import type { IncomingHttpHeaders } from 'node:http';

/**
 * The control endpoints (`/_emulator/…`) change faults and read every event, so only local tools
 * may use them. A web page in the developer's browser can send requests to 127.0.0.1 as well:
 * - through DNS rebinding (an attacker's name resolving to 127.0.0.1), which shows as a `Host`
 *   that is not a loopback name or address;
 * - as a cross-site request (CSRF, or `fetch` with `no-cors`), which browsers mark with `Origin`.
 * Command-line tools and SDKs send neither, so refusing both costs local tools nothing.
 */
export function controlRequestRefusal(headers: IncomingHttpHeaders): string | undefined {
  if (headers.origin !== undefined) return 'Control endpoints refuse requests from web pages (Origin header present).';
  const host = headers.host;
  if (host === undefined || !isLoopbackHost(host)) {
    return `Control endpoints answer only requests addressed to a loopback host, not '${host ?? ''}'.`;
  }
  return undefined;
}

/** `localhost`, 127.0.0.0/8 or `[::1]`, each with or without a port. */
export function isLoopbackHost(hostHeader: string): boolean {
  const host = hostName(hostHeader.trim().toLowerCase());
  if (host === undefined) return false;
  if (host === 'localhost' || host === '::1') return true;
  const octets = host.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^[0-9]{1,3}$/.test(octet) && Number(octet) <= 255)
  );
}

/** The host part of a Host header (brackets of an IPv6 literal removed), or undefined when malformed. */
function hostName(value: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::[0-9]{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([^:[\]]+)(?::[0-9]{1,5})?$/.exec(value);
  return plain?.[1];
}

/** Whether a listen address is loopback, for the CLI's warning about `--host`. */
export function isLoopbackAddress(address: string): boolean {
  const trimmed = address.trim();
  return isLoopbackHost(trimmed.includes(':') && !trimmed.startsWith('[') ? `[${trimmed}]` : trimmed);
}
