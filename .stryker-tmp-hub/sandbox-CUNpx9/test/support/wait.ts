/**
 * Polls `check` (sync or async) every 10 ms until it holds; rejects with a clear
 * message naming `what` after `timeoutMs`. The one bounded wait of the test suite.
 */
// @ts-nocheck

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
