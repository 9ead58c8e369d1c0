import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** A hub running as a separate process through the real CLI (`ssehub serve`), for crash and restart tests. */
export interface ChildHub {
  process: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function startChildHub(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { openFileLimit?: number } = {},
): Promise<ChildHub> {
  const argv = ['--import', 'tsx', CLI, 'serve', '--host', '127.0.0.1', ...args];
  // The canary's beats are log events: off unless a test asks for it (as startHub does).
  const spawnEnv = { ...process.env, SSEHUB_LOG_LEVEL: 'info', SSEHUB_CANARY: '0', ...env };
  const stdio: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];
  // With a limit, the shell lowers RLIMIT_NOFILE and then execs node (same pid).
  const child =
    options.openFileLimit === undefined
      ? spawn(process.execPath, argv, { env: spawnEnv, stdio })
      : spawn('sh', ['-c', `ulimit -n ${options.openFileLimit} && exec "$0" "$@"`, process.execPath, ...argv], {
          env: spawnEnv,
          stdio,
        });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start within 20 s:\n${output}`)), 20_000);
    const check = () => {
      const match = /listening on https?:\/\/[^:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    process: child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
