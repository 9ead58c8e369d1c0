/** ssehub/react: hooks over the ssehub client. See docs/client.md. */
// @ts-nocheck

export { HubProvider, useHubClient } from './hub-context.js';
export { type LiveCollectionState, useLiveCollection } from './use-live-collection.js';
export { type UseSubscriptionOptions, useSubscription } from './use-subscription.js';
