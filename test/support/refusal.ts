import { SseHubError } from '../../src/errors.js';

/** The SseHubError `fn` throws; fails the test if it returns or throws anything else. */
export function refusal(fn: () => unknown): SseHubError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SseHubError) return err;
    throw err;
  }
  throw new Error('expected a refusal (SseHubError), but the call succeeded');
}
