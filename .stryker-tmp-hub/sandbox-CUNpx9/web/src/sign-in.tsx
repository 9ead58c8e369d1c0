// @ts-nocheck
import { type FormEvent, useState } from 'react';
import { MAX_NAME } from './message.js';

/** The guest sign-in form: a name is all it takes; the hub issues the token. */
export function SignIn({ onSignIn }: { onSignIn: (name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || busy) return;
    setBusy(true);
    setProblem(undefined);
    try {
      await onSignIn(trimmed);
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="who" onSubmit={submit}>
      <label htmlFor="author">Your name</label>
      <input
        id="author"
        data-testid="author"
        value={name}
        maxLength={MAX_NAME}
        placeholder="e.g. Ada"
        autoComplete="nickname"
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" data-testid="sign-in" disabled={busy || name.trim() === ''}>
        Sign in
      </button>
      {problem && (
        <p className="banner error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
