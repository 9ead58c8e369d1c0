import type { ConnectionStatus } from '../../src/client/index.js';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** The connection state, as a coloured pill. */
export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`status status-${status}`} data-testid="status" data-status={status} role="status">
      <span className="status-dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}
