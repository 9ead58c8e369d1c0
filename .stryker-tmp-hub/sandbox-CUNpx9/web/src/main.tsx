// @ts-nocheck
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../../src/client/index.js';
import { HubProvider } from '../../src/react/index.js';
import { App } from './app.js';
import './styles.css';

// Same origin as the page: the hub serves this app at `/`.
const client = createClient();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <HubProvider client={client}>
      <App />
    </HubProvider>
  </StrictMode>,
);
