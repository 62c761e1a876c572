/**
 * Per-actor token buckets: each actor may submit `perSecond` statements a
 * second on average and `burst` at once. A request that needs more than the
 * bucket holds is refused whole (`rate_limited`, 429 with Retry-After), so a
 * batch is never half-admitted.
 */
import { MatterlogError } from '../ledger/errors.js';

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export const defaultRateLimit: RateLimit = { perSecond: 20_000, burst: 100_000 };

const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `n` tokens from `key`'s bucket or throws `rate_limited` saying when to come back. */
  take(key: string, n: number): void {
    this.takeAll(new Map([[key, n]]));
  }

  /** Takes tokens from several buckets, all or none (a request is admitted whole or not at all). */
  takeAll(wants: ReadonlyMap<string, number>): void {
    if (!Number.isFinite(this.limit.perSecond) || this.limit.perSecond <= 0) return;
    const t = this.now();
    const refilled = [...wants].map(([key, n]) => {
      const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: t };
      b.tokens = Math.min(this.limit.burst, b.tokens + ((t - b.at) / 1000) * this.limit.perSecond);
      b.at = t;
      this.check(key, n, b);
      return { key, n, b };
    });
    for (const { key, n, b } of refilled) {
      b.tokens -= n;
      // Full buckets carry no information: forget them first when the map grows.
      if (!this.buckets.has(key) && this.buckets.size >= MAX_BUCKETS) {
        for (const [k, v] of this.buckets) if (v.tokens >= this.limit.burst) this.buckets.delete(k);
      }
      this.buckets.set(key, b);
    }
  }

  private check(key: string, n: number, b: { tokens: number; at: number }): void {
    if (n > this.limit.burst) {
      throw new MatterlogError(
        'rate_limited',
        `${n} statements in one request is more than "${key}" may send at once (${this.limit.burst}); split the batch`,
        { details: { retryAfterSeconds: 1, actor: key, limit: this.limit } },
      );
    }
    if (b.tokens < n) {
      const wait = Math.max(1, Math.ceil((n - b.tokens) / this.limit.perSecond));
      throw new MatterlogError(
        'rate_limited',
        `"${key}" is sending faster than ${this.limit.perSecond} statements/s; retry in ${wait} s`,
        { details: { retryAfterSeconds: wait, actor: key } },
      );
    }
  }
}
