import type { Principal } from '../auth/principal.js';
import { type RateLimit, RateLimiter } from '../auth/rate-limiter.js';
import { SseHubError } from '../errors.js';

/** Counts `count` publishing writes (events) of `principal`; throws RATE_LIMITED (429, `Retry-After`) past its rate. */
export type PublishLimit = (principal: Principal, clientAddress: string | undefined, count?: number) => void;

/**
 * The publish rate per identity, shared by every path that appends events
 * (`/publish`, collection record writes). Identities are counted as the hub's
 * stream quota counts them: the token's `sub`, else the client's address.
 */
export function createPublishLimit(limit: RateLimit, now?: () => number): PublishLimit {
  const limiter = new RateLimiter(limit, now);
  return (principal, clientAddress, count = 1) => {
    const key = principal.sub !== undefined ? `sub:${principal.sub}` : `addr:${clientAddress ?? '?'}`;
    const waitMs = limiter.take(key, count);
    if (waitMs === 0) return;
    if (waitMs === Number.POSITIVE_INFINITY) {
      throw new SseHubError(
        'RATE_LIMITED',
        `A batch of ${count} events is more than this identity may publish at once (bursts of ${limit.burst}); send smaller batches`,
      );
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new SseHubError(
      'RATE_LIMITED',
      `Too many writes: this identity may publish ${limit.perSecond} events per second (bursts of ${limit.burst}); retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  };
}
