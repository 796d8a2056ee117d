/** Data loading with loading / error / reload, keyed by the request path. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { get } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (null: nothing to load); `pollMs` refreshes it in the background. */
export function useApi<T>(path: string | null, options: { pollMs?: number } = {}): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean; path: string | null }>({
    data: undefined,
    error: undefined,
    loading: path !== null,
    path,
  });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(path);
  latest.current = path;

  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    setState((s) => ({ ...s, loading: true, path, ...(s.path !== path ? { data: undefined, error: undefined } : {}) }));
    get<T>(path).then(
      (data) => {
        if (!cancelled) setState({ data, error: undefined, loading: false, path });
      },
      (error: unknown) => {
        if (!cancelled) setState((s) => ({ data: s.path === path ? s.data : undefined, error, loading: false, path }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [path, generation]);

  useEffect(() => {
    if (path === null || !options.pollMs) return;
    const timer = window.setInterval(() => setGeneration((g) => g + 1), options.pollMs);
    return () => window.clearInterval(timer);
  }, [path, options.pollMs]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Runs an action, keeping its pending state and error for the form that started it. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setPending(true);
      setError(undefined);
      try {
        return await action(...args);
      } catch (err) {
        setError(err);
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [action],
  );
  return { run, pending, error, clearError: () => setError(undefined) };
}
