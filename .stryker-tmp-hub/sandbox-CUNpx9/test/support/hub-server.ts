// @ts-nocheck
import { type RunningServer, type ServeOptions, serve } from '../../src/server.js';
import { tempDir } from './temp-dir.js';

/** An in-process hub on 127.0.0.1 with a random port and a fresh SQLite data dir. */
export async function startHub(
  options: ServeOptions = {},
): Promise<RunningServer & { dataDir: string; stop(): Promise<void> }> {
  const dir = options.dataDir ? undefined : tempDir();
  const dataDir = options.dataDir ?? (dir as { path: string }).path;
  const running = await serve({ port: 0, host: '127.0.0.1', logLevel: 'silent', ...options, dataDir });
  return Object.assign(running, {
    dataDir,
    async stop() {
      await running.close();
      dir?.remove();
    },
  });
}
