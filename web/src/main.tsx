import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { AuthProvider } from './auth';
import { prefetchFirstPage } from './findings-prefetch';
import './styles.css';

// A deep link to the grid fetches its code and its first page while the session is being checked.
if (window.location.pathname === '/findings') {
  void import('./pages/findings');
  prefetchFirstPage(new URLSearchParams(window.location.search));
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider>
      <App />
    </AuthProvider>
  </StrictMode>,
);
