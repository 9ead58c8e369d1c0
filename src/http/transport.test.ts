import { connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseTransportOptions } from '../config/hub-options.js';
import { createTransport } from './transport.js';

describe('HTTP/2 transport', () => {
  it('closes a session once it has had no stream for the idle time, counted from its last stream', async () => {
    // The one stream lasts 600 ms, twice the idle time: the session is busy, not idle, meanwhile.
    const slowAnswer = (_req: unknown, res: { end(text: string): void }) => setTimeout(() => res.end('ok'), 600);
    const transport = createTransport(parseTransportOptions({ h2c: true }), slowAnswer as never, 300);
    const server = transport.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const session = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const goaway = new Promise((resolve) => session.once('goaway', resolve));
      const asked = Date.now();
      const stream = session.request({ ':path': '/' });
      stream.resume();
      await new Promise((resolve) => stream.once('close', resolve));
      const elapsed = await goaway.then(() => Date.now() - asked);
      expect(elapsed).toBeGreaterThanOrEqual(600 + 250);
    } finally {
      session.destroy();
      transport.closeAll();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
