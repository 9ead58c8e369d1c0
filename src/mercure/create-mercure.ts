import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.js';
import type { HttpRoute } from '../http/handler.js';
import type { Hub } from '../hub/hub.js';
import { MERCURE_PATH, mercureRoutes } from './mercure-routes.js';
import { mercureViews } from './mercure-view.js';
import { MemorySubscriptionStore, RedisSubscriptionStore } from './subscription-store.js';
import { MercureSubscriptions } from './subscriptions.js';

export interface MercureOptions {
  authenticator: Authenticator;
  anonymous: boolean;
  subscriptions: boolean;
  corsOrigins: readonly string[] | undefined;
  /** The cluster's Redis, when there is one: active subscriptions are kept there. */
  redis?: { url: string; prefix: string } | undefined;
  logger: Logger;
}

export interface Mercure {
  route: HttpRoute;
  /** The path publishing posts a form body to (the request guard lets it through). */
  formPath: string;
  close(): Promise<void>;
}

/** The Mercure protocol adapter for a started hub (docs/mercure.md). */
export function createMercure(hub: Hub, options: MercureOptions): Mercure {
  // biome-ignore lint/correctness/useHookAtTopLevel: Hub.useViews is a plain method, not a React hook
  hub.useViews(mercureViews({ authEnabled: options.authenticator.enabled }));
  const subscriptions = options.subscriptions
    ? new MercureSubscriptions(
        hub,
        options.redis
          ? new RedisSubscriptionStore({
              url: options.redis.url,
              prefix: options.redis.prefix,
              onRefreshError: (err) =>
                options.logger.warn({ err }, 'mercure: refreshing the shared subscription list failed; retrying'),
            })
          : new MemorySubscriptionStore(),
        options.logger,
      )
    : undefined;
  return {
    route: mercureRoutes(hub, {
      authenticator: options.authenticator,
      anonymous: options.anonymous,
      corsOrigins: options.corsOrigins,
      subscriptions,
    }),
    formPath: MERCURE_PATH,
    close: async () => subscriptions?.close(),
  };
}
