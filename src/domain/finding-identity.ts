import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The host part of a finding's unique key: trimmed, lower-cased, and cut to the short
 * host name (before the first dot) unless the value is an IP address. An empty host
 * name falls back to the IP address. Returns '' when neither is usable.
 */
export function normalizeHost(hostname: string | undefined, ipAddress?: string): string {
  const name = (hostname ?? '').trim().toLowerCase();
  if (name !== '') {
    if (isIP(name) !== 0) return name;
    const dot = name.indexOf('.');
    return dot > 0 ? name.slice(0, dot) : name;
  }
  return (ipAddress ?? '').trim().toLowerCase();
}

/**
 * Digest of a description for the no-CVE key. The spec's key embeds the whole
 * description; a fixed-width digest keeps the same identity with a narrow index.
 */
export function descriptionDigest(description: string | undefined): string {
  const text = (description ?? '').trim();
  if (text === '') return '';
  return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}

/**
 * The spec's unique key: `host|CVE` when the finding has a CVE, else
 * `host|plugin_id|description` (description as a digest, see descriptionDigest).
 */
export function findingKey(hostKey: string, cve: string | undefined, pluginId: string, description: string | undefined): string {
  if (cve) return `${hostKey}|${cve}`;
  return `${hostKey}|${pluginId}|${descriptionDigest(description)}`;
}

const CVE_PATTERN = /CVE-\d{4}-\d{4,}/gi;

/** Extracts CVE ids from a free-form cell ("CVE-2021-1, cve-2021-2"), upper-cased and de-duplicated, in order. */
export function extractCves(raw: string | readonly string[] | undefined): string[] {
  if (raw === undefined) return [];
  const text = typeof raw === 'string' ? raw : raw.join(',');
  const found = text.match(CVE_PATTERN);
  if (!found) return [];
  return [...new Set(found.map((c) => c.toUpperCase()))];
}
