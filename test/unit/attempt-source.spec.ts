import { attemptSource, UNKNOWN_SOURCE } from '../../lib/throttling/attempt-source';

describe('the source of an attempt (brute-force protection)', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5'],
    // A dual-stack socket reports an IPv4 peer as IPv6: still the same source.
    ['::ffff:203.0.113.5', '203.0.113.5'],
    // One subscriber usually holds a whole /64: its addresses are one source.
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['::1', '::/64'],
  ])('counts %s as %s', (address, source) => {
    expect(attemptSource(address)).toBe(source);
  });

  it.each([undefined, '', 'localhost', '999.1.1.1', '1.2.3'])(
    'counts an address it cannot read (%j) under one unknown source',
    (address) => {
      expect(attemptSource(address)).toBe(UNKNOWN_SOURCE);
    },
  );
});
