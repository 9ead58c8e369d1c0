// @ts-nocheck
import { useEffect, useRef, useState } from 'react';
import { useHubClient, useLiveCollection } from '../../src/react/index.js';
import { Composer } from './composer.js';
import { ErrorBoundary } from './error-boundary.js';
import { asMessage, MESSAGES } from './message.js';
import { MessageItem } from './message-item.js';
import { SignIn } from './sign-in.js';
import { StatusBadge } from './status-badge.js';
import { useGuest } from './use-guest.js';

/** The message board: every message of the `messages` collection, live. */
export function App() {
  const client = useHubClient();
  const { records, status, ready, error, role } = useLiveCollection<unknown>(MESSAGES);
  const { guest, signIn, signOut } = useGuest();
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

  const me = guest.status === 'signed-in' ? guest : undefined;
  return (
    <div className="board">
      <header className="bar">
        <h1>Message board</h1>
        <StatusBadge status={status} role={role} />
      </header>
      {me ? (
        <div className="who">
          <span data-testid="signed-in-as">Signed in as {me.name}</span>
          <button type="button" data-testid="sign-out" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      ) : (
        guest.status === 'signed-out' && <SignIn onSignIn={signIn} />
      )}
      <main className="messages" aria-live="polite" aria-busy={!ready}>
        {error && <p className="banner error">The board is unavailable: {error.message}</p>}
        {!ready && !error && <p className="empty">Loading messages…</p>}
        {ready && count === 0 && <p className="empty">No messages yet. Say hello!</p>}
        <ul data-testid="messages">
          {records.map((record) => {
            const message = asMessage(record);
            const unreadable = (
              <li className="message foreign" data-testid="foreign-record" data-id={record.id}>
                A record this board cannot show
              </li>
            );
            if (!message)
              return (
                <ErrorBoundary key={record.id} fallback={unreadable}>
                  {unreadable}
                </ErrorBoundary>
              );
            return (
              <ErrorBoundary key={record.id} fallback={unreadable}>
                <MessageItem
                  message={message}
                  mine={me !== undefined && message.data.author === me.sub}
                  onEdit={(id, text) => attempt(() => client.update(MESSAGES, id, { text }))}
                  onDelete={(id) => attempt(() => client.remove(MESSAGES, id)).catch(() => {})}
                />
              </ErrorBoundary>
            );
          })}
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
          disabled={!me}
          onSend={(text) =>
            attempt(() => client.create(MESSAGES, { author: me?.sub ?? '', name: me?.name ?? '', text }))
          }
        />
      </footer>
    </div>
  );
}
