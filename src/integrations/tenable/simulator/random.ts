/**
 * Deterministic randomness: stateless hashes (every estate attribute is a pure function of
 * (seed, kind, index, day)) and a seeded sequential PRNG for faults and ids. Nothing here reads
 * the wall clock or Math.random.
 */

/** A string or number seed as an unsigned 32-bit integer (FNV-1a for strings). */
export function seedFrom(seed: number | string): number {
  if (typeof seed === 'number' && Number.isFinite(seed)) return Math.trunc(seed) >>> 0;
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function round(h: number, k: number): number {
  k = Math.imul(k | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3-style hash of up to four integers (negative values are fine). */
export function hash(seed: number, a: number, b = 0, c = 0, d = 0): number {
  let h = seed | 0;
  h = round(h, a);
  h = round(h, b);
  h = round(h, c);
  h = round(h, d);
  return fmix(h ^ 16);
}

/** A hash as a float in [0, 1). */
export function unit(h: number): number {
  return h / 4294967296;
}

/** Uniform float in [0, 1) for the given key. */
export function u01(seed: number, a: number, b = 0, c = 0, d = 0): number {
  return hash(seed, a, b, c, d) / 4294967296;
}

/** Integer in [0, n) for the given key. */
export function pick(seed: number, n: number, a: number, b = 0, c = 0, d = 0): number {
  return Math.floor(u01(seed, a, b, c, d) * n);
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

// Independent seeds per 32-bit part: the hash state is 32 bits, so parts that only differed in a
// last input word would collide together (birthday bound ~2^16 keys); with their own seeds they do not.
const PART_SALTS = [0x68e31da4, 0xb5297a4d, 0x1b56c4e9, 0x7f4a7c15, 0x2545f491, 0x9e3779b9, 0xd2b74407, 0x4cf5ad43];

/** A version-4-shaped UUID that is a pure function of the key. */
export function uuidFrom(seed: number, a: number, b = 0, c = 0): string {
  const h1 = hex8(hash(seed ^ PART_SALTS[0]!, a, b, c));
  const h2 = hex8(hash(seed ^ PART_SALTS[1]!, a, b, c));
  const h3 = hex8(hash(seed ^ PART_SALTS[2]!, a, b, c));
  const h4 = hex8(hash(seed ^ PART_SALTS[3]!, a, b, c));
  const variant = '89ab'[parseInt(h3[0]!, 16) & 3]!;
  return `${h1}-${h2.slice(0, 4)}-4${h2.slice(5, 8)}-${variant}${h3.slice(1, 4)}-${h3.slice(4, 8)}${h4}`;
}

/** `length` lower-case hex characters that are a pure function of the key. */
export function hexFrom(seed: number, length: number, a: number, b = 0, c = 0): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += hex8(hash(seed ^ PART_SALTS[i % PART_SALTS.length]!, a, b, c, i));
  return out.slice(0, length);
}

/** Sequential seeded PRNG (mulberry32): the same seed gives the same sequence. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** 32 bits. */
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  uuid(): string {
    const parts = [this.u32(), this.u32(), this.u32(), this.u32()].map(hex8);
    const variant = '89ab'[this.int(4)]!;
    return `${parts[0]}-${parts[1]!.slice(0, 4)}-4${parts[1]!.slice(5, 8)}-${variant}${parts[2]!.slice(1, 4)}-${parts[2]!.slice(4, 8)}${parts[3]}`;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += hex8(this.u32());
    return out.slice(0, length);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}
