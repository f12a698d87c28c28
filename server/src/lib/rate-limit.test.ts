import { describe, expect, it } from 'vitest';
import { FailureLimiter, RequestLimiter } from './rate-limit.ts';

describe('FailureLimiter', () => {
  it('blocks a key after max failures until the oldest leaves the window', () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('k')).toBe(0);
      limiter.fail('k');
      now += 1_000;
    }
    expect(limiter.retryAfter('k')).toBe(57);
    expect(limiter.retryAfter('other')).toBe(0);
    now += 57_000;
    expect(limiter.retryAfter('k')).toBe(0);
  });

  it('forgets a key on reset', () => {
    const limiter = new FailureLimiter(1, 60_000);
    limiter.fail('k');
    expect(limiter.retryAfter('k')).toBeGreaterThan(0);
    limiter.reset('k');
    expect(limiter.retryAfter('k')).toBe(0);
  });
});

describe('RequestLimiter', () => {
  it('counts every request per key and answers the wait once the window is full', () => {
    let now = 0;
    const limiter = new RequestLimiter(2, 60_000, () => now);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(60);
    expect(limiter.take('b')).toBe(0);
    now = 30_000;
    // A refused request is not counted: the wait shrinks as the window slides.
    expect(limiter.take('a')).toBe(30);
    now = 60_001;
    expect(limiter.take('a')).toBe(0);
  });
});
