import { describe, expect, it } from 'vitest';
import { parseTrustProxy, resolveClientAddress } from './client-address.ts';

describe('client address behind proxies (TRUST_PROXY)', () => {
  it('ignores X-Forwarded-For without the setting', () => {
    expect(parseTrustProxy(undefined)).toBeUndefined();
    expect(parseTrustProxy('')).toBeUndefined();
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7', undefined)).toBe('10.0.0.2');
  });

  it('with a number of hops, takes that many from the right and no more', () => {
    const one = parseTrustProxy('1');
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7', one)).toBe('203.0.113.7');
    // A client's own forged entries sit left of what the load balancer appended.
    expect(resolveClientAddress('10.0.0.2', '1.2.3.4, 203.0.113.7', one)).toBe('203.0.113.7');
    const two = parseTrustProxy('2');
    expect(resolveClientAddress('10.0.0.2', '1.2.3.4, 203.0.113.7, 10.0.0.9', two)).toBe('203.0.113.7');
    // Fewer entries than hops: the leftmost.
    expect(resolveClientAddress('10.0.0.2', '203.0.113.7', two)).toBe('203.0.113.7');
    expect(resolveClientAddress('10.0.0.2', undefined, one)).toBe('10.0.0.2');
  });

  it('with CIDRs, walks left through trusted proxies only', () => {
    const trust = parseTrustProxy('10.0.0.0/8, 192.168.1.5, fd00::/8');
    expect(resolveClientAddress('10.0.0.2', '1.2.3.4, 203.0.113.7, 192.168.1.5', trust)).toBe('203.0.113.7');
    expect(resolveClientAddress('::ffff:10.0.0.2', '203.0.113.7', trust)).toBe('203.0.113.7');
    expect(resolveClientAddress('fd00::1', '2001:db8::7', trust)).toBe('2001:db8::7');
    // The peer is not a trusted proxy: its header means nothing.
    expect(resolveClientAddress('198.51.100.1', '203.0.113.7', trust)).toBe('198.51.100.1');
    // A malformed entry: the trusted hop that passed it on is as far as we can tell.
    expect(resolveClientAddress('10.0.0.2', 'garbage', trust)).toBe('10.0.0.2');
  });

  it('refuses a setting it cannot read', () => {
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy('proxy.local')).toThrow(/TRUST_PROXY/);
  });
});
