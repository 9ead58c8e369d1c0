import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AdminApp } from './admin-app.js';
import './admin.css';

// Served by the hub at /admin (admin only); the stats stream is same-origin, the token cookie goes along.
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <AdminApp />
  </StrictMode>,
);
