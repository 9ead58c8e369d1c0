import { assertTopic } from '../protocol/topic.js';

/** The reserved hub topic root of Mercure topics that are not hub topics (URLs, mostly). */
export const MERCURE_ROOT = 'mercure';
const PREFIX = `${MERCURE_ROOT}/`;
const RESERVED = ['collections', MERCURE_ROOT];

/**
 * The hub topic a Mercure topic is stored under. One that is already a valid,
 * unreserved hub topic (`books/1`) is used as is, so native `/events`
 * subscribers see it and native events reach Mercure subscribers; any other
 * (`https://example.com/books/1`) goes under `mercure/<base64url>`, which the
 * native publish endpoint refuses, so it cannot be forged from there.
 */
export function toHubTopic(topic: string): string {
  if (isNativeTopic(topic)) return topic;
  return PREFIX + Buffer.from(topic, 'utf8').toString('base64url');
}

/** The Mercure topic a hub topic stands for. */
export function fromHubTopic(hubTopic: string): string {
  if (!hubTopic.startsWith(PREFIX)) return hubTopic;
  return Buffer.from(hubTopic.slice(PREFIX.length), 'base64url').toString('utf8');
}

function isNativeTopic(topic: string): boolean {
  try {
    assertTopic(topic);
  } catch {
    return false;
  }
  return !RESERVED.some((root) => topic === root || topic.startsWith(`${root}/`));
}
