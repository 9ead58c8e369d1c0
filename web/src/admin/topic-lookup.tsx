import { type FormEvent, useState } from 'react';

interface TopicInfo {
  topic: string;
  subscribers: number;
  recent: { id: string; type?: string; time: number; data: string }[];
}

/** Subscribers and last events of one topic (`GET /admin/topic?topic=`). */
export function TopicLookup() {
  const [topic, setTopic] = useState('');
  const [info, setInfo] = useState<TopicInfo | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function lookUp(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    const res = await fetch(`/admin/topic?topic=${encodeURIComponent(topic)}`);
    const body = await res.json();
    if (!res.ok) setError(body.error?.message ?? `HTTP ${res.status}`);
    else setInfo(body as TopicInfo);
  }

  return (
    <section className="panel">
      <h2>Topic lookup</h2>
      <form onSubmit={lookUp}>
        <input
          data-testid="topic-input"
          value={topic}
          onChange={(e) => setTopic(e.target.value)}
          placeholder="chat/room-1"
        />
        <button type="submit" data-testid="topic-submit">
          Look up
        </button>
      </form>
      {error && <p className="error">{error}</p>}
      {info && (
        <div data-testid="topic-result">
          <p>
            <strong data-testid="topic-subscribers">{info.subscribers}</strong> open streams receive{' '}
            <code>{info.topic}</code>
          </p>
          <ol className="events">
            {info.recent.map((e) => (
              <li key={e.id} data-testid="topic-event">
                <time>{new Date(e.time).toLocaleTimeString()}</time> {e.type && <em>{e.type}</em>} <code>{e.data}</code>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
