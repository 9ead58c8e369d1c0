import { SseHubError } from '../errors.js';
import type { EventMeta } from './event-log.js';

/** Meta as stored by the adapters: compact JSON, or nothing for the (common) native event without any. */
export function encodeMeta(meta: EventMeta | undefined): string | undefined {
  if (!meta) return undefined;
  const clean: Record<string, unknown> = {};
  if (meta.origin !== undefined) clean.origin = meta.origin;
  if (meta.private) clean.private = true;
  if (meta.externalId !== undefined) clean.externalId = meta.externalId;
  if (meta.retry !== undefined) clean.retry = meta.retry;
  return Object.keys(clean).length === 0 ? undefined : JSON.stringify(clean);
}

/** The stored form back; a corrupt value is treated as no meta rather than failing a replay. */
export function decodeMeta(text: string | null | undefined): EventMeta | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as EventMeta;
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The external ids of a batch; throws DUPLICATE_EVENT_ID when the batch itself repeats one. */
export function externalIdsOf(inputs: readonly { meta?: EventMeta | undefined }[]): string[] {
  const ids: string[] = [];
  for (const input of inputs) {
    const id = input.meta?.externalId;
    if (id === undefined) continue;
    if (ids.includes(id)) throw duplicateExternalId(id);
    ids.push(id);
  }
  return ids;
}

export function duplicateExternalId(id: string): SseHubError {
  const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  return new SseHubError(
    'DUPLICATE_EVENT_ID',
    `An update with the id ${JSON.stringify(shown)} was already published; ids given by publishers must be unique`,
  );
}
