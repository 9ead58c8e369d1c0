import { describe, expect, it } from 'vitest';
import { OPEN_PRINCIPAL } from '../auth/principal.js';
import type { EventView, StreamRequest, ViewProvider } from './admission.js';
import { composeViews } from './compose-views.js';
import { type EncodedEvent, encodeEvent } from './encoded-event.js';

const event = (data: string): EncodedEvent =>
  encodeEvent({ seq: 1, id: 'e-1', topics: ['t'], type: undefined, data, time: 0 });

/** A view that appends `tag` to the data, or hides events whose data contains `hide`. */
function tagging(key: string, tag: string, hide?: string): EventView {
  return {
    key,
    apply: (e) => (hide !== undefined && e.event.data.includes(hide) ? undefined : event(e.event.data + tag)),
  };
}

const request: StreamRequest = { topics: ['t'] };
const provider =
  (view: EventView | undefined): ViewProvider =>
  () =>
    view;

describe('composeViews', () => {
  it('is the next provider unchanged when there is no first', () => {
    const next = provider(tagging('b', '+b'));
    expect(composeViews(undefined, next)).toBe(next);
  });

  it('keeps the one view when only one provider has a view for the stream', () => {
    const a = tagging('a', '+a');
    expect(composeViews(provider(a), provider(undefined))(OPEN_PRINCIPAL, request)).toBe(a);
    expect(composeViews(provider(undefined), provider(a))(OPEN_PRINCIPAL, request)).toBe(a);
    expect(composeViews(provider(undefined), provider(undefined))(OPEN_PRINCIPAL, request)).toBeUndefined();
  });

  it('chains two views in plug-in order, with a key naming both, and stops at the first that hides', () => {
    const composed = composeViews(provider(tagging('a', '+a', 'secret')), provider(tagging('b', '+b', 'y+a')));
    const view = composed(OPEN_PRINCIPAL, request) as EventView;
    expect(view.key).toBe('a>b');
    expect(view.apply(event('x'))?.event.data).toBe('x+a+b');
    expect(view.apply(event('secret'))).toBeUndefined();
    // b hides what a produced (`y+a` only exists after a ran): order matters.
    expect(view.apply(event('y'))).toBeUndefined();
  });
});
