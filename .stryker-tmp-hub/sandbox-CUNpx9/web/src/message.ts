// @ts-nocheck
import type { HubRecord } from '../../src/client/index.js';

/** The data of a record in the `messages` collection (web/collections.json holds its schema and rules). */
export interface Message {
  /** The author's identity: the `sub` of the token that created the message. */
  author: string;
  /** The display name the author signed in with. */
  name: string;
  text: string;
}

export type MessageRecord = HubRecord<Message>;

/** The collection the board lives in. */
export const MESSAGES = 'messages';

export const MAX_TEXT = 2000;
export const MAX_NAME = 40;

/**
 * The record as a message, or undefined when it has another shape (written by
 * some other client, or before the schema existed): the board must show the
 * rest of the messages whatever one record holds.
 */
export function asMessage(record: HubRecord<unknown>): MessageRecord | undefined {
  const data = record.data as Partial<Record<keyof Message, unknown>> | null;
  if (typeof data !== 'object' || data === null) return undefined;
  if (typeof data.author !== 'string' || typeof data.text !== 'string') return undefined;
  const name = typeof data.name === 'string' && data.name !== '' ? data.name : data.author;
  return { ...record, data: { author: data.author, name, text: data.text } };
}
