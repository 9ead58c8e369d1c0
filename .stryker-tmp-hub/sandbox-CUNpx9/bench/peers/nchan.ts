// @ts-nocheck
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnServer, stopChild, waitForHttp } from './child-process.js';
import type { PeerDefinition, RunningPeer } from './peer.js';

const MODULE_CANDIDATES = [
  '/usr/lib/nginx/modules/ngx_nchan_module.so',
  '/usr/share/nginx/modules/ngx_nchan_module.so',
];

export function nchanModulePath(): string | undefined {
  return MODULE_CANDIDATES.find((path) => existsSync(path));
}

export function nginxVersion(): string | undefined {
  // `nginx -v` prints to stderr.
  const run = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim() || undefined;
}

/**
 * nginx + nchan: one worker, an EventSource subscriber location and a publisher
 * location, both keyed by `?topic=`. The message buffer keeps enough history
 * for the resume storm (nchan resumes EventSource clients from `Last-Event-ID`).
 */
function nginxConf(port: number, modulePath: string, bufferLength: number): string {
  return `load_module ${modulePath};
worker_processes 1;
worker_rlimit_nofile 20000;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  nchan_message_buffer_length ${bufferLength};
  nchan_message_timeout 10m;
  server {
    listen ${port} backlog=4096;
    location = /events {
      nchan_subscriber eventsource;
      nchan_subscriber_first_message newest;
      nchan_channel_id $arg_topic;
    }
    location = /publish {
      nchan_publisher;
      nchan_channel_id $arg_topic;
    }
    location = /healthz { return 200 "ok\\n"; }
  }
}
`;
}

export const nchanPeer: PeerDefinition = {
  name: 'nchan',
  supportsResume: true,
  async start({ tmpDir }): Promise<RunningPeer> {
    const modulePath = nchanModulePath();
    if (!modulePath) throw new Error('the nchan module is not installed (apt-get install libnginx-mod-nchan)');
    const port = await freePort();
    mkdirSync(join(tmpDir, 'tmp'), { recursive: true });
    const conf = join(tmpDir, 'nginx.conf');
    writeFileSync(conf, nginxConf(port, modulePath, 2_000));
    const child = spawnServer('nginx', 'nginx', ['-p', `${tmpDir}/`, '-c', conf, '-g', 'daemon off;'], tmpDir);
    await waitForHttp(port, '/healthz', child);
    return {
      name: 'nchan',
      port,
      pid: child.pid as number,
      streamPath: (topic) => `/events?topic=${encodeURIComponent(topic)}`,
      resumeHeader: (id) => `Last-Event-ID: ${id}`,
      publishRequest: (topic, data) => ({
        path: `/publish?topic=${encodeURIComponent(topic)}`,
        contentType: 'text/plain',
        body: data,
      }),
      publishedId: (_status, body) => /last[ _]message[ _]id"?\s*[:=]\s*"?([^"\s,}]+)/i.exec(body)?.[1],
      stop: () => stopChild(child),
    };
  },
};
