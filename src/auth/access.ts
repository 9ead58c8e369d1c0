import { SseHubError } from '../errors.js';
import type { Principal } from './principal.js';
import { permitMatcher } from './rights.js';

/**
 * The refusal for a missing right: 401 when nobody signed in (a token would
 * help), 403 when the token is valid but does not carry the right.
 */
export function forbidden(principal: Principal, message: string): SseHubError {
  if (principal.kind === 'anonymous') {
    return new SseHubError('TOKEN_MISSING', `${message}: sign in (send a token)`);
  }
  return new SseHubError('FORBIDDEN', message);
}

/** Throws unless the principal may publish to every one of `topics`. */
export function assertMayPublish(principal: Principal, topics: readonly string[]): void {
  publishGuard(principal)(topics);
}

/** {@link assertMayPublish} with the principal's patterns compiled once, for checking many events. */
export function publishGuard(principal: Principal): (topics: readonly string[]) => void {
  const permits = permitMatcher(principal.rights.publish);
  if (!permits) return () => {};
  return (topics) => {
    const refusedTopic = topics.find((t) => !permits(t));
    if (refusedTopic !== undefined) {
      throw forbidden(principal, `Publishing to "${refusedTopic}" is not permitted for this identity`);
    }
  };
}

/** Throws unless the principal is an admin (open mode counts as admin). */
export function assertAdmin(principal: Principal, what: string): void {
  if (!principal.rights.admin) throw forbidden(principal, `${what} needs an admin token`);
}
