import ipaddr from 'ipaddr.js';

/**
 * Whether a document may be fetched from `address`. Only what ipaddr.js classifies as
 * `unicast`, that is no special-use address of RFC 6890 and its successors: private, loopback,
 * link-local (cloud metadata services sit at 169.254.169.254), CGNAT, unique-local, multicast,
 * reserved, documentation, NAT64 and 6to4 (which lead to IPv4 addresses of their own) are all
 * refused. An IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 * `allowLoopback` lets loopback addresses through, and nothing else more.
 */
export function isFetchableAddress(address: string, allowLoopback: boolean): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // Zone ids (fe80::1%eth0) are link-local anyway, and ipaddr.js would not read them.
    parsed = ipaddr.process(address);
  } catch {
    return false;
  }
  const range = parsed.range();
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}
