import { describe, expect, it } from 'vitest';
import { SseHubError } from '../errors.js';
import { decodeMeta, duplicateExternalId, encodeMeta, externalIdsOf } from './event-meta.js';

describe('event meta', () => {
  it('is stored as compact JSON of the fields that are set, or not at all', () => {
    expect(encodeMeta(undefined)).toBeUndefined();
    expect(encodeMeta({})).toBeUndefined();
    expect(encodeMeta({ private: false as unknown as true })).toBeUndefined(); // as JSON input may carry it
    expect(encodeMeta({ origin: 'mercure', private: true, externalId: 'urn:a', retry: 5 })).toBe(
      '{"origin":"mercure","private":true,"externalId":"urn:a","retry":5}',
    );
    expect(encodeMeta({ retry: 0 })).toBe('{"retry":0}');
    expect(encodeMeta({ externalId: '' })).toBe('{"externalId":""}');
    expect(encodeMeta({ origin: '' })).toBe('{"origin":""}');
  });

  it('decodes what it stored, and a missing or corrupt value as no meta', () => {
    const meta = { origin: 'mercure', private: true as const, externalId: 'urn:a', retry: 5 };
    expect(decodeMeta(encodeMeta(meta))).toEqual(meta);
    for (const text of [undefined, null, '', '{not json', 'null', '"text"', '7']) {
      expect(decodeMeta(text), String(text)).toBeUndefined();
    }
  });

  it('lists the external ids of a batch, refusing one the batch repeats', () => {
    expect(externalIdsOf([{ meta: { externalId: 'a' } }, {}, { meta: {} }, { meta: { externalId: 'b' } }])).toEqual([
      'a',
      'b',
    ]);
    expect(() => externalIdsOf([{ meta: { externalId: 'a' } }, { meta: { externalId: 'a' } }])).toThrow(
      /already published/,
    );
  });

  it('names a duplicate id in the error, shortened past 80 characters', () => {
    const err = duplicateExternalId('urn:x');
    expect(err).toBeInstanceOf(SseHubError);
    expect(err.code).toBe('DUPLICATE_EVENT_ID');
    expect(err.message).toBe(
      'An update with the id "urn:x" was already published; ids given by publishers must be unique',
    );
    expect(duplicateExternalId('x'.repeat(80)).message).toContain(`"${'x'.repeat(80)}"`);
    expect(duplicateExternalId('x'.repeat(81)).message).toContain(`"${'x'.repeat(80)}…"`);
  });
});
