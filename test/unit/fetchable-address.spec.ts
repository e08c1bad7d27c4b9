import { isFetchableAddress } from '../../lib/metadata-documents/fetchable-address';

describe('the addresses a metadata document may be fetched from (CIMD SSRF considerations, RFC 6890)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'IPv6 loopback'],
    ['10.0.0.1', 'private (RFC 1918)'],
    ['172.16.5.4', 'private (RFC 1918)'],
    ['192.168.1.1', 'private (RFC 1918)'],
    ['169.254.169.254', 'link-local: the cloud metadata service'],
    ['fe80::1', 'IPv6 link-local'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['100.64.0.1', 'carrier-grade NAT (RFC 6598)'],
    ['fc00::1', 'unique-local (RFC 4193)'],
    ['fd12:3456::1', 'unique-local (RFC 4193)'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'IPv6 multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'IPv6 unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation (reserved)'],
    ['198.18.0.1', 'benchmarking (reserved)'],
    ['240.0.0.1', 'reserved'],
    ['64:ff9b::a00:1', 'NAT64 (RFC 6052), which leads to 10.0.0.1'],
    ['2002:a00:1::', '6to4, which leads to 10.0.0.1'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['not an address', 'unreadable'],
    ['fe80::1%eth0', 'link-local with a zone'],
  ])('refuses %s (%s)', (address) => {
    expect(isFetchableAddress(address, false)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.215.14'])(
    'allows the public address %s',
    (address) => {
      expect(isFetchableAddress(address, false)).toBe(true);
    },
  );

  it('allowLoopbackHttp lets loopback through, and nothing else', () => {
    for (const loopback of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      expect(isFetchableAddress(loopback, true)).toBe(true);
    }
    for (const other of ['10.0.0.1', '169.254.169.254', '::ffff:10.0.0.1', 'fc00::1', '0.0.0.0']) {
      expect(isFetchableAddress(other, true)).toBe(false);
    }
  });
});
