import { BlockList, isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';
import { peerAddress } from './context.ts';

/**
 * Which proxies in front of the server may say who the client is (TRUST_PROXY): a number of hops
 * (each adds itself to X-Forwarded-For), or the addresses and CIDRs of the proxies.
 */
export type TrustProxy = { hops: number } | { proxies: BlockList };

/** Reads TRUST_PROXY: `1`, `2`… hops, or a comma list like `10.0.0.0/8, 192.168.1.5, fd00::/8`. */
export function parseTrustProxy(value: string | undefined): TrustProxy | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) > 0 ? { hops: Number(text) } : undefined;
  const proxies = new BlockList();
  for (const part of text.split(',').map((p) => p.trim())) {
    const [address, bits, extra] = part.split('/');
    const family = isIP(address ?? '');
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || extra !== undefined || !/^\d+$/.test(bits ?? '0') || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`TRUST_PROXY must be a number of hops or a comma list of addresses/CIDRs, got "${part}" in "${text}"`);
    }
    proxies.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return { proxies };
}

const plain = (address: string) => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

const trusted = (proxies: BlockList, address: string) => {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
};

/**
 * The client's address: the peer's, or, through trusted proxies only, the one they name in
 * X-Forwarded-For, read from the right (each proxy appends the address it heard from, so entries
 * left of the last trusted hop could be written by anyone).
 */
export function resolveClientAddress(peer: string, forwardedFor: string | undefined, trust: TrustProxy | undefined): string {
  if (!trust || !forwardedFor) return peer;
  const chain = [...forwardedFor.split(',').map((a) => plain(a.trim())), plain(peer)];
  let i = chain.length - 1;
  if ('hops' in trust) {
    for (let hop = 0; hop < trust.hops && i > 0; hop++) i--;
  } else {
    while (i > 0 && trusted(trust.proxies, chain[i]!)) i--;
  }
  // A malformed entry is not an address: the hop that passed it on is the client as far as we know.
  while (i < chain.length - 1 && !isIP(chain[i]!)) i++;
  return chain[i]!;
}

/** Puts the client's address on the context for clientAddress(c). */
export const readClientAddress =
  (trust: TrustProxy | undefined): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set('clientAddress', resolveClientAddress(peerAddress(c), c.req.header('x-forwarded-for'), trust));
    await next();
  };
