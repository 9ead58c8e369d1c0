// @ts-nocheck
import type { HubEvent, RawEvent } from './types.js';

/** Wraps a raw event with a memoised `json()` accessor. */
export function toHubEvent(raw: RawEvent): HubEvent {
  let parsed: { value: unknown } | undefined;
  return {
    id: raw.id,
    type: raw.type,
    data: raw.data,
    json<T>(): T {
      parsed ??= { value: JSON.parse(raw.data) };
      return parsed.value as T;
    },
  };
}
