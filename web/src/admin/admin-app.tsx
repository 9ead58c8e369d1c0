import { useEffect, useState } from 'react';
import { formatNumber, Sparkline } from './sparkline.js';
import { HISTORY_POINTS, type StatsFrame } from './stats-frame.js';
import { TopicLookup } from './topic-lookup.js';

type Series = { streams: number[]; published: number[]; delivered: number[]; latency: number[] };

const empty: Series = { streams: [], published: [], delivered: [], latency: [] };
const push = (list: number[], value: number) => [...list, value].slice(-HISTORY_POINTS);

/** The admin dashboard: a live client of the hub's own stats stream (one frame a second, no polling). */
export function AdminApp() {
  const [frame, setFrame] = useState<StatsFrame | undefined>();
  const [series, setSeries] = useState<Series>(empty);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    const source = new EventSource('/admin/stats');
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('stats', (e) => {
      const next = JSON.parse((e as MessageEvent<string>).data) as StatsFrame;
      setFrame(next);
      const open = Object.values(next.streams).reduce((a, b) => a + b, 0);
      setSeries((s) => ({
        streams: push(s.streams, open),
        published: push(s.published, next.publishedPerSec),
        delivered: push(s.delivered, next.deliveredPerSec),
        latency: push(s.latency, next.fanOut.avgMs),
      }));
    });
    return () => source.close();
  }, []);

  return (
    <main className="admin">
      <header>
        <h1>ssehub</h1>
        <span
          data-testid="stream-status"
          data-status={connected ? 'live' : 'offline'}
          className={connected ? 'ok' : 'bad'}
        >
          {connected ? 'live' : 'reconnecting…'}
        </span>
        {frame && (
          <span data-testid="ready" className={frame.ready.ok ? 'ok' : 'bad'} title={frame.ready.reasons.join('\n')}>
            {frame.ready.ok ? 'ready' : `not ready: ${frame.ready.reasons.join('; ')}`}
          </span>
        )}
        {frame?.node && <span className="muted">node {frame.node}</span>}
      </header>
      <section className="charts">
        <Sparkline label="Open streams" values={series.streams} unit="" testId="open-streams" />
        <Sparkline label="Published" values={series.published} unit="/s" testId="published-rate" />
        <Sparkline label="Delivered" values={series.delivered} unit="/s" testId="delivered-rate" />
        <Sparkline label="Fan-out latency (avg)" values={series.latency} unit="ms" testId="fanout-latency" />
      </section>
      {frame && (
        <div className="grid">
          <section className="panel">
            <h2>Streams by kind</h2>
            <table>
              <tbody>
                {Object.entries(frame.streams).map(([kind, n]) => (
                  <tr key={kind}>
                    <td>{kind}</td>
                    <td data-testid={`streams-${kind}`}>{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h2>Top topics by subscribers</h2>
            <table data-testid="top-subscribers">
              <tbody>
                {frame.topBySubscribers.map((t) => (
                  <tr key={t.patterns.join(' ')}>
                    <td>
                      <code>{t.patterns.join(', ')}</code>
                    </td>
                    <td>{t.streams}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h2>Top topics by rate</h2>
            <table data-testid="top-rate">
              <tbody>
                {frame.topByRate.map((t) => (
                  <tr key={t.topic}>
                    <td>
                      <code>{t.topic}</code>
                    </td>
                    <td>{formatNumber(t.perSec)}/s</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h2>Recent disconnects</h2>
            <table data-testid="recent-closes">
              <tbody>
                {frame.recentCloses.map((c) => (
                  <tr key={`${c.at}-${c.kind}-${c.durationMs}-${c.bytes}-${c.events}`}>
                    <td>{new Date(c.at).toLocaleTimeString()}</td>
                    <td>{c.kind}</td>
                    <td>{c.reason}</td>
                    <td>{(c.durationMs / 1000).toFixed(1)} s</td>
                    <td>{c.events} events</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel">
            <h2>Cluster nodes (canary)</h2>
            <table data-testid="nodes">
              <tbody>
                {frame.nodes.map((n) => (
                  <tr key={n.node}>
                    <td>
                      {n.node}
                      {n.self && ' (this node)'}
                    </td>
                    <td>beat {(n.ageMs / 1000).toFixed(1)} s ago</td>
                    <td>{n.roundTripMs !== undefined && `round trip ${n.roundTripMs} ms`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              Capture lag: {frame.captureLag === null ? 'no PostgreSQL source' : `${frame.captureLag} ms`}
            </p>
          </section>
          <TopicLookup />
        </div>
      )}
    </main>
  );
}
