/**
 * A 48-bit FNV-1a digest of a text, used to notice that a finding's plugin output changed
 * without reading the stored text back. Not cryptographic: it compares a finding's output
 * with its own previous one, where a 1-in-2^48 miss costs one skipped rewrite.
 * 48 bits fit a JS number, a SQLite INTEGER and a PostgreSQL BIGINT exactly.
 */
export function textDigest48(text: string): number {
  let low = 0x811c9dc5;
  let high = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x01000193 + 0x100);
  }
  return (high >>> 16) * 0x100000000 + (low >>> 0);
}
