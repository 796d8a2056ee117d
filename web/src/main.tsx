import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { AuthProvider } from './auth';
import './styles.css';

// A deep link to the grid fetches its code while the session is being checked.
if (window.location.pathname === '/findings') void import('./pages/findings');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider>
      <App />
    </AuthProvider>
  </StrictMode>,
);
