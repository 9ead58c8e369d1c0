// @ts-nocheck
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { MAX_TEXT } from './message.js';

/** The message box at the bottom: Enter sends, Shift+Enter breaks the line. */
export function Composer({ onSend, disabled }: { onSend: (text: string) => Promise<void>; disabled: boolean }) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const trimmed = text.trim();
    if (!trimmed || sending) return;
    setSending(true);
    try {
      await onSend(trimmed);
      setText('');
    } catch {
      // the board shows the error; the text stays for another try
    } finally {
      setSending(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        data-testid="composer-text"
        aria-label="Message"
        placeholder={disabled ? 'Sign in above to post' : 'Write a message…'}
        value={text}
        maxLength={MAX_TEXT}
        rows={1}
        disabled={disabled}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" data-testid="send" disabled={disabled || sending || text.trim() === ''}>
        Send
      </button>
    </form>
  );
}
