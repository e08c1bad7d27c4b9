import { lookup } from 'node:dns/promises';

/**
 * One address a host name resolves to.
 * @publicApi
 */
export interface ResolvedAddress {
  /** The address, as `dns.lookup()` writes it (`203.0.113.7`, `2001:db8::1`). */
  readonly address: string;
  /** 4 or 6. */
  readonly family: 4 | 6;
}

/**
 * Resolves the host name of a Client ID Metadata Document URL to every address it has. The
 * fetch checks each one and connects only to an address it checked.
 * @publicApi
 */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/**
 * Injection token of the `HostResolver` the metadata document fetch uses; the default is the
 * system's resolver (`dns.lookup` with `all: true`). Replace it in `extraProviders` to resolve
 * through a resolver of your own, or in tests to map names to addresses without any DNS.
 *
 * @example
 * ```ts
 * extraProviders: [{ provide: CLIENT_METADATA_DOCUMENT_RESOLVER, useValue: myResolver }]
 * ```
 * @publicApi
 */
export const CLIENT_METADATA_DOCUMENT_RESOLVER = Symbol('CLIENT_METADATA_DOCUMENT_RESOLVER');

/** The system's resolver: what every other connection of the process would use. */
export const systemHostResolver: HostResolver = async (hostname) => {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};
