import { keySegment } from '../../lib/redis/key-segment';

describe('keySegment', () => {
  const hostile = [
    'a:b',
    '{tag}',
    'x*y?',
    '[a]',
    'two words',
    'tab\there',
    'ünïcødé ☃',
    '%41',
    'A',
    '#',
  ];

  it.each(hostile)('leaves no key syntax in %j', (value) => {
    expect(keySegment(value)).not.toMatch(/[:{}*?[\]\s]/);
  });

  it('is injective over values that look alike once escaped', () => {
    const values = [...hostile, '%2541', 'a%3Ab', 'a:b ', 'a', 'a ', ''];
    const segments = values.map(keySegment);
    expect(new Set(segments).size).toBe(values.length);
  });

  it('hashes long values so that keys stay short, without colliding with short ones', () => {
    const long = 'x'.repeat(500);
    expect(keySegment(long)).toMatch(/^#[A-Za-z0-9_-]{43}$/);
    expect(keySegment(long)).not.toBe(keySegment(`${long}y`));
  });

  it('refuses malformed Unicode instead of folding it onto another value', () => {
    expect(() => keySegment('\ud800')).toThrow(TypeError);
  });
});
