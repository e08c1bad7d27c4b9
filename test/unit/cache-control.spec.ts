import {
  documentCacheSeconds,
  parseCacheControl,
} from '../../lib/metadata-documents/cache-control';

const bounds = { minCacheSeconds: 300, maxCacheSeconds: 86400, defaultCacheSeconds: 3600 };

describe('Cache-Control of a metadata document (RFC 9111 §5.2, CIMD §5.2)', () => {
  it.each([
    [undefined, { noStore: false, maxAge: null }],
    ['', { noStore: false, maxAge: null }],
    ['max-age=600', { noStore: false, maxAge: 600 }],
    ['public, MAX-AGE=600', { noStore: false, maxAge: 600 }],
    ['max-age="120"', { noStore: false, maxAge: 120 }],
    ['no-store', { noStore: true, maxAge: null }],
    ['No-Store, max-age=600', { noStore: true, maxAge: 600 }],
    ['no-cache', { noStore: false, maxAge: 0 }],
    ['max-age=-5', { noStore: false, maxAge: null }],
    ['max-age=abc', { noStore: false, maxAge: null }],
    ['max-age=60, max-age=6000', { noStore: false, maxAge: 60 }],
    [['max-age=60', 'private'], { noStore: false, maxAge: 60 }],
  ])('reads %j', (header, directives) => {
    expect(parseCacheControl(header)).toEqual(directives);
  });

  it.each([
    ['max-age=600', 600],
    ['max-age=10', 300],
    ['max-age=0', 300],
    ['no-cache', 300],
    ['max-age=9999999', 86400],
    [undefined, 3600],
    ['private', 3600],
    ['no-store', 0],
    ['no-store, max-age=600', 0],
  ])('keeps a document served with %j for %d s', (header, seconds) => {
    expect(documentCacheSeconds(header, bounds)).toBe(seconds);
  });
});
