// @ts-nocheck
import { useState } from 'react';
import { MAX_TEXT, type MessageRecord } from './message.js';

interface Props {
  message: MessageRecord;
  mine: boolean;
  onEdit: (id: string, text: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** One message, with inline editing and deleting for its author. */
export function MessageItem({ message, mine, onEdit, onDelete }: Props) {
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const { name, text } = message.data;

  async function save() {
    const next = draft?.trim();
    try {
      if (next && next !== text) await onEdit(message.id, next);
      setDraft(undefined);
    } catch {
      // the board shows the error; the draft stays open
    }
  }

  return (
    <li className={mine ? 'message mine' : 'message'} data-testid="message" data-id={message.id}>
      <div className="message-head">
        <span className="avatar" aria-hidden="true" style={{ background: colour(message.data.author) }}>
          {(name[0] ?? '?').toUpperCase()}
        </span>
        <span className="author">{name}</span>
        <time dateTime={new Date(message.createdAt).toISOString()}>{time.format(message.createdAt)}</time>
        {message.version > 1 && <span className="edited">edited</span>}
        {mine && draft === undefined && (
          <div className="actions">
            <button type="button" data-testid="edit" onClick={() => setDraft(text)}>
              Edit
            </button>
            <button
              type="button"
              data-testid="delete"
              className="danger"
              onClick={() => {
                if (confirm('Delete this message?')) void onDelete(message.id);
              }}
            >
              Delete
            </button>
          </div>
        )}
      </div>
      {draft === undefined ? (
        <p className="text" data-testid="message-text">
          {text}
        </p>
      ) : (
        <div className="edit">
          <textarea
            aria-label="Edit message"
            value={draft}
            maxLength={MAX_TEXT}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setDraft(undefined);
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void save();
              }
            }}
            // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this message
            autoFocus
          />
          <div className="edit-actions">
            <button type="button" className="primary" onClick={() => void save()}>
              Save
            </button>
            <button type="button" onClick={() => setDraft(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

/** A stable pastel colour per author identity. */
function colour(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
  return `hsl(${h} 55% 45%)`;
}
