/** Light and dark themes: the system's choice until the user picks one (kept in localStorage). */
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'hextrackr.theme';
const listeners = new Set<() => void>();
const media = window.matchMedia('(prefers-color-scheme: dark)');

function current(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function apply(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  for (const listener of listeners) listener();
}

media.addEventListener('change', (event) => {
  if (!localStorage.getItem(KEY)) apply(event.matches ? 'dark' : 'light');
});

export function toggleTheme(): void {
  const next: Theme = current() === 'dark' ? 'light' : 'dark';
  localStorage.setItem(KEY, next);
  apply(next);
}

export function useTheme(): Theme {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, current);
}
