import { MemoryCounters } from './login-throttle';

describe('MemoryCounters (the login throttle while Redis is down)', () => {
  it('counts within a fixed window that starts with the first count, then starts over', () => {
    let now = 1_000_000;
    const counters = new MemoryCounters(100, () => now);
    expect(counters.incr('k', 60)).toEqual({ count: 1, ttl: 60 });
    now += 30_000;
    expect(counters.incr('k', 60)).toEqual({ count: 2, ttl: 30 });
    now += 30_000;
    expect(counters.incr('k', 60)).toEqual({ count: 1, ttl: 60 });
  });

  it('refunds without going below zero or reviving an expired window', () => {
    let now = 0;
    const counters = new MemoryCounters(100, () => now);
    counters.incr('k', 10);
    counters.refund('k');
    counters.refund('k');
    expect(counters.incr('k', 10).count).toBe(1);
    now += 10_000;
    counters.refund('k');
    expect(counters.size).toBe(0);
    counters.delete('k');
    expect(counters.incr('k', 10).count).toBe(1);
  });

  it('stays within its bound: expired windows go first, then the oldest', () => {
    let now = 0;
    const counters = new MemoryCounters(3, () => now);
    counters.incr('old', 1);
    now += 500;
    counters.incr('a', 10);
    counters.incr('b', 10);
    now += 600;
    counters.incr('c', 10); // 'old' has expired: it makes room
    expect(counters.size).toBe(3);
    counters.incr('d', 10); // none expired: the oldest ('a') goes
    expect(counters.size).toBe(3);
    expect(counters.incr('b', 10).count).toBe(2);
    expect(counters.incr('a', 10).count).toBe(1);
  });
});
