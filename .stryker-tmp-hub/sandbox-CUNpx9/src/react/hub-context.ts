// @ts-nocheck
import { createContext, createElement, type ReactNode, useContext } from 'react';
import type { HubClient } from '../client/index.js';

const HubContext = createContext<HubClient | undefined>(undefined);

/** Makes a client available to the hooks below it. */
export function HubProvider(props: { client: HubClient; children?: ReactNode }): ReactNode {
  return createElement(HubContext.Provider, { value: props.client }, props.children);
}

/** The client from the nearest HubProvider, or the one passed explicitly. */
export function useHubClient(client?: HubClient): HubClient {
  const fromContext = useContext(HubContext);
  const resolved = client ?? fromContext;
  if (!resolved) throw new Error('ssehub/react: wrap the app in <HubProvider client={...}> or pass a client');
  return resolved;
}
