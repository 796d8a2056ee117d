/** Helpers for the simulator's tests: a tiny HTTP client, an export driver, and key-path sets. */
import type { TenableSimulator } from './server.ts';

export interface Response {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

export interface Api {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A client for the simulator's TVM side, authenticated with its keys unless `auth` is false. */
export function api(sim: TenableSimulator, auth = true): Api {
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    const all: Record<string, string> = { ...(auth ? { 'X-ApiKeys': sim.apiKeysHeader } : {}), ...headers };
    if (body !== undefined) all['content-type'] = 'application/json';
    const res = await fetch(`${sim.url}${path}`, { method, headers: all, body: body === undefined ? null : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: parse(text) };
  };
  return { request, get: (path) => request('GET', path), post: (path, body) => request('POST', path, body) };
}

export type Json = Record<string, unknown>;

/** Poll a vulnerability or asset export to a terminal status, recording every status body. */
export async function pollExport(client: Api, kind: 'vulns' | 'assets', uuid: string, maxPolls = 200): Promise<Json[]> {
  const seen: Json[] = [];
  for (let i = 0; i < maxPolls; i++) {
    const res = await client.get(`/${kind}/export/${uuid}/status`);
    if (res.status !== 200) throw new Error(`status poll ${res.status}: ${res.text}`);
    const body = res.json as Json;
    seen.push(body);
    if (['FINISHED', 'CANCELLED', 'ERROR'].includes(String(body.status))) return seen;
  }
  throw new Error(`export ${uuid} did not finish in ${maxPolls} polls`);
}

/** Run a vulnerability export to the end and download every chunk. */
export async function runVulnExport(client: Api, body: unknown): Promise<{ uuid: string; statuses: Json[]; chunks: Map<number, Json[]> }> {
  const created = await client.post('/vulns/export', body);
  if (created.status !== 200) throw new Error(`export refused ${created.status}: ${created.text}`);
  const uuid = String((created.json as Json).export_uuid);
  const statuses = await pollExport(client, 'vulns', uuid);
  const last = statuses[statuses.length - 1]!;
  const chunks = new Map<number, Json[]>();
  for (const id of last.chunks_available as number[]) {
    const res = await client.get(`/vulns/export/${uuid}/chunks/${id}`);
    if (res.status !== 200) throw new Error(`chunk ${id}: ${res.status} ${res.text}`);
    chunks.set(id, res.json as Json[]);
  }
  return { uuid, statuses, chunks };
}

/** Every key path of a JSON value: `.a.b`, arrays as `[]` (`.hosts[].uuid`). */
export function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) keyPaths(item, `${prefix}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      out.add(`${prefix}.${key}`);
      keyPaths(child, `${prefix}.${key}`, out);
    }
  }
  return out;
}

export function unionPaths(samples: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const sample of samples) keyPaths(sample, '', out);
  return out;
}

function covered(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/**
 * Compare key sets, not values: paths the simulator sends that no recording has (`extra`), and
 * paths the recordings have that the simulator never sends (`missing`), minus documented optional
 * fields on either side.
 */
export function keyDifferences(
  simulated: readonly unknown[],
  recorded: readonly unknown[],
  allow: { extra?: readonly string[]; missing?: readonly string[] } = {},
): { extra: string[]; missing: string[] } {
  const sim = unionPaths(simulated);
  const ref = unionPaths(recorded);
  return {
    extra: [...sim].filter((p) => !ref.has(p) && !covered(p, allow.extra ?? [])).sort(),
    missing: [...ref].filter((p) => !sim.has(p) && !covered(p, allow.missing ?? [])).sort(),
  };
}
