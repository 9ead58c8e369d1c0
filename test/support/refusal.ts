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

/** The SseHubError `fn` throws or rejects with; fails the test if it succeeds or fails otherwise. */
export async function refusalOf(fn: () => unknown): Promise<SseHubError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof SseHubError) return err;
    throw err;
  }
  throw new Error('expected a refusal (SseHubError), but the call succeeded');
}

/** The code and message of the refusal, as a plain object for `toEqual`. */
export async function refusedWith(fn: () => unknown): Promise<{ code: string; message: string }> {
  const { code, message } = await refusalOf(fn);
  return { code, message };
}
