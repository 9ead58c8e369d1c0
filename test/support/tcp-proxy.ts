import { createServer, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Whether the client sent `marker` on this connection. */
  marked: boolean;
}

/**
 * A TCP proxy in front of a real server that can stall chosen connections:
 * those whose client sent `marker` (any case; e.g. `XREAD`, the Redis live feed) stop
 * receiving replies until thawed, while every other connection keeps working.
 * It can also cut the network: drop every connection and refuse new ones until restored.
 */
export class StallingProxy {
  readonly #server: Server;
  readonly #pairs = new Set<Pair>();
  readonly #marker: string;
  #frozen = false;
  #cut = false;

  private constructor(server: Server, marker: string) {
    this.#server = server;
    this.#marker = marker.toLowerCase();
  }

  static async start(target: { host: string; port: number }, marker: string): Promise<StallingProxy> {
    let proxy: StallingProxy | undefined;
    const server = createServer((client) => proxy?.connect(client, target));
    proxy = new StallingProxy(server, marker);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  connect(client: Socket, target: { host: string; port: number }): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const upstream = new (client.constructor as typeof Socket)();
    const pair: Pair = { client, upstream, marked: false };
    this.#pairs.add(pair);
    upstream.connect(target.port, target.host);
    client.on('data', (data: Buffer) => {
      if (!pair.marked && data.toString('latin1').toLowerCase().includes(this.#marker)) {
        pair.marked = true;
        if (this.#frozen) upstream.pause();
      }
      upstream.write(data);
    });
    upstream.on('data', (data) => client.write(data));
    const close = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  /** Holds back the replies to marked connections (they stay open, just silent). */
  freeze(): void {
    this.#frozen = true;
    for (const pair of this.#pairs) if (pair.marked) pair.upstream.pause();
  }

  thaw(): void {
    this.#frozen = false;
    for (const pair of this.#pairs) pair.upstream.resume();
  }

  /** Drops every open connection and refuses new ones until {@link restore}: a network outage. */
  cut(): void {
    this.#cut = true;
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
