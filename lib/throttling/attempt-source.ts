import ipaddr from 'ipaddr.js';

/** The source of attempts whose address is unknown (a grant given its parameters directly). */
export const UNKNOWN_SOURCE = 'unknown';

/**
 * Where an attempt comes from, as the brute-force protection counts it: an IPv4 address, or
 * the /64 network of an IPv6 address, since one subscriber usually gets a whole /64 and could
 * otherwise try from 2^64 addresses. An IPv4 address written as IPv6 (`::ffff:203.0.113.5`,
 * as a dual-stack socket reports it) counts as itself.
 */
export function attemptSource(address: string | undefined): string {
  // Only the dotted quad for IPv4, as sockets report it: ipaddr.js also reads legacy forms
  // such as `1.2.3`, which no peer address takes.
  const readable =
    address !== undefined &&
    (ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address));
  if (!readable) return UNKNOWN_SOURCE;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = parsed.toByteArray().slice(0, 8);
  return `${ipaddr.fromByteArray([...network, 0, 0, 0, 0, 0, 0, 0, 0]).toString()}/64`;
}
