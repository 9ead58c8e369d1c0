import { useEffect, useRef, useState } from 'react';
import { useHubClient, useLiveCollection } from '../../src/react/index.js';
import { Composer } from './composer.js';
import { MAX_AUTHOR, MESSAGES, type Message } from './message.js';
import { MessageItem } from './message-item.js';
import { StatusBadge } from './status-badge.js';
import { useAuthor } from './use-author.js';

/** The message board: every message of the `messages` collection, live. */
export function App() {
  const client = useHubClient();
  const { records, status, ready, error, role } = useLiveCollection<Message>(MESSAGES);
  const [author, setAuthor] = useAuthor();
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const listEnd = useRef<HTMLDivElement>(null);
  const count = records.length;

  // Keep the newest message in view as messages arrive.
  useEffect(() => {
    if (count > 0) listEnd.current?.scrollIntoView({ block: 'end' });
  }, [count]);

  async function attempt(action: () => Promise<unknown>) {
    try {
      setProblem(undefined);
      await action();
    } catch (err) {
      setProblem((err as Error).message);
      throw err;
    }
  }

  const name = author.trim();
  return (
    <div className="board">
      <header className="bar">
        <h1>Message board</h1>
        <StatusBadge status={status} role={role} />
      </header>
      <div className="who">
        <label htmlFor="author">Your name</label>
        <input
          id="author"
          data-testid="author"
          value={author}
          maxLength={MAX_AUTHOR}
          placeholder="e.g. Ada"
          autoComplete="nickname"
          onChange={(e) => setAuthor(e.target.value)}
        />
      </div>
      <main className="messages" aria-live="polite" aria-busy={!ready}>
        {error && <p className="banner error">The board is unavailable: {error.message}</p>}
        {!ready && !error && <p className="empty">Loading messages…</p>}
        {ready && count === 0 && <p className="empty">No messages yet. Say hello!</p>}
        <ul data-testid="messages">
          {records.map((message) => (
            <MessageItem
              key={message.id}
              message={message}
              mine={name !== '' && message.data.author === name}
              onEdit={(id, text) => attempt(() => client.update<Message>(MESSAGES, id, { text }))}
              onDelete={(id) => attempt(() => client.remove(MESSAGES, id)).catch(() => {})}
            />
          ))}
        </ul>
        <div ref={listEnd} />
      </main>
      <footer className="footer">
        {problem && (
          <p className="banner error" role="alert">
            {problem}
          </p>
        )}
        <Composer
          disabled={name === ''}
          onSend={(text) => attempt(() => client.create<Message>(MESSAGES, { author: name, text }))}
        />
      </footer>
    </div>
  );
}
