/**
 * The findings grid's first page, requested as early as possible: on a deep link to /findings the
 * request starts while the grid's code loads and initialises (several hundred ms on a slow machine),
 * and the grid's first block then takes the answer instead of asking again.
 */
import { get, query } from './api';

/** Search parameters that are filters, passed through to the API as they are. */
export const FILTER_PARAMS = ['severity', 'status', 'assignee', 'cve', 'q', 'overdue', 'lifecycle', 'plugin', 'asset', 'first_seen_after', 'last_seen_before', 'manual_review_required'] as const;
export const PAGE_SIZE = 100;

export function filtersOf(params: URLSearchParams): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const key of FILTER_PARAMS) {
    const value = params.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

export function pagePath(filters: Record<string, string>, sortBy: string | undefined, sortOrder: string | undefined, limit: number, position: { cursor: string } | { offset: number }): string {
  return `/api/vulnerabilities${query({ ...filters, sort_by: sortBy, sort_order: sortOrder, limit, ...position })}`;
}

/** The first page as the grid will ask for it, given the page's search parameters. */
export function firstPagePath(params: URLSearchParams): string {
  const sortBy = params.get('sort_by') || undefined;
  const sortOrder = sortBy ? (params.get('sort_order') === 'asc' ? 'asc' : 'desc') : undefined;
  return pagePath(filtersOf(params), sortBy, sortOrder, PAGE_SIZE, { offset: 0 });
}

const FRESH_MS = 10_000;
let early: { path: string; at: number; response: Promise<{ ok: true; value: unknown } | { ok: false }> } | null = null;

export function prefetchFirstPage(params: URLSearchParams): void {
  const path = firstPagePath(params);
  early = {
    path,
    at: performance.now(),
    response: get<unknown>(path).then(
      (value) => ({ ok: true as const, value }),
      () => ({ ok: false as const }),
    ),
  };
}

/** The prefetched answer for `path`, once and while fresh; a failed prefetch is simply asked again. */
export function takePrefetched<T>(path: string): Promise<T> | null {
  const taken = early;
  early = null;
  if (!taken || taken.path !== path || performance.now() - taken.at > FRESH_MS) return null;
  return taken.response.then((r) => (r.ok ? (r.value as T) : get<T>(path)));
}
