// @ts-nocheck
import type { ConnectionStatus, StreamRole } from '../../src/client/index.js';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const ROLES: Record<StreamRole, string> = {
  direct: 'This tab has its own connection',
  leader: 'This tab holds the connection for all open tabs',
  follower: 'This tab shares the connection of another tab',
};

/** The connection state, as a coloured pill; the tooltip tells whether the connection is shared. */
export function StatusBadge({ status, role }: { status: ConnectionStatus; role: StreamRole }) {
  return (
    <span
      className={`status status-${status}`}
      data-testid="status"
      data-status={status}
      data-role={role}
      title={ROLES[role]}
      role="status"
    >
      <span className="status-dot" aria-hidden="true" />
      {LABELS[status]}
    </span>
  );
}
