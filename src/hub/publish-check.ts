import { publishGuard } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { SseHubError } from '../errors.js';
import type { EventInput, EventMeta } from '../log/event-log.js';
import { type PublishLimits, toEventInput } from './publish-input.js';
import { INTERNAL_PRINCIPAL, isReservedTopic, RESERVED_ROOT } from './reserved-topics.js';

/** What an adapter adds to a publish: metadata stored with the event, the reserved root it may write. */
export interface AdapterPublish {
  meta?: EventMeta | undefined;
  /** A reserved topic root (such as `mercure`) this adapter owns and may publish under. */
  root?: string | undefined;
}

export interface BatchLimits extends PublishLimits {
  /** Most events one batch may carry. */
  maxBatchEvents: number;
}

declare const checked: unique symbol;
/**
 * Events that passed validation and the publisher's rights, in publish order.
 * Only {@link checkBatch} makes one, so nothing unchecked reaches the log.
 */
export type CheckedEvents = readonly EventInput[] & { readonly [checked]: true };

/** Validates one publish and checks the principal may write every topic of it; throws SseHubError naming the problem. */
export function checkPublish(
  input: unknown,
  principal: Principal,
  limits: PublishLimits,
  adapter?: AdapterPublish,
  mayPublish = publishGuard(principal),
): EventInput {
  const entry: EventInput = toEventInput(input, limits, adapter?.root);
  if (adapter?.meta !== undefined) entry.meta = adapter.meta;
  mayPublish(entry.topics);
  const reserved = principal === INTERNAL_PRINCIPAL ? undefined : entry.topics.find(isReservedTopic);
  if (reserved !== undefined) {
    throw new SseHubError(
      'FORBIDDEN',
      `Topics under "${RESERVED_ROOT}/" are the hub's own; "${reserved}" cannot be published to`,
    );
  }
  return entry;
}

/** {@link checkPublish} for one event, as a batch of one. */
export function checkOne(input: unknown, principal: Principal, limits: PublishLimits): CheckedEvents {
  return [checkPublish(input, principal, limits)] as unknown as CheckedEvents;
}

/**
 * Checks every event of a batch before any is written: the first invalid or
 * forbidden one fails the whole batch, its error naming the event's index
 * (`details.index`, counted from 0).
 */
export function checkBatch(inputs: unknown, principal: Principal, limits: BatchLimits): CheckedEvents {
  if (!Array.isArray(inputs)) throw new SseHubError('INVALID_BODY', 'A batch is a JSON array of events');
  if (inputs.length === 0) {
    throw new SseHubError('INVALID_BODY', 'The batch is empty: send an array of 1 or more events');
  }
  if (inputs.length > limits.maxBatchEvents) {
    throw new SseHubError(
      'BATCH_TOO_LARGE',
      `A batch may hold at most ${limits.maxBatchEvents} events; got ${inputs.length} (split it into smaller batches)`,
      { maxBatchEvents: limits.maxBatchEvents },
    );
  }
  const entries: EventInput[] = [];
  const mayPublish = publishGuard(principal);
  for (const [index, input] of inputs.entries()) {
    try {
      entries.push(checkPublish(input, principal, limits, undefined, mayPublish));
    } catch (err) {
      if (!(err instanceof SseHubError)) throw err;
      throw new SseHubError(
        err.code,
        `Event ${index} of the batch: ${err.message}; nothing was published`,
        { ...err.details, index },
        { cause: err },
      );
    }
  }
  return entries as unknown as CheckedEvents;
}

/** Checks events one at a time into a batch (a streaming publish), the publisher's rights compiled once. */
export interface EventChecker {
  /**
   * Validates `input` and checks its rights, then runs `admit` (a rate count, say):
   * the event joins the batch only when both pass; throws SseHubError otherwise.
   */
  add(input: unknown, admit: () => void): void;
  /** The events added since the last take, in order; starts a new batch. */
  take(): CheckedEvents;
}

export function eventChecker(principal: Principal, limits: PublishLimits): EventChecker {
  const mayPublish = publishGuard(principal);
  let batch: EventInput[] = [];
  return {
    add(input, admit) {
      if (Array.isArray(input)) throw new SseHubError('INVALID_BODY', 'One event object per line, not an array');
      const entry = checkPublish(input, principal, limits, undefined, mayPublish);
      admit();
      batch.push(entry);
    },
    take() {
      const taken = batch;
      batch = [];
      return taken as unknown as CheckedEvents;
    },
  };
}
