import type { HubRecord } from '../../src/client/index.js';

/** The data of a record in the `messages` collection. */
export interface Message {
  author: string;
  text: string;
}

export type MessageRecord = HubRecord<Message>;

/** The collection the board lives in. */
export const MESSAGES = 'messages';

export const MAX_TEXT = 2000;
export const MAX_AUTHOR = 40;
