import { describe, expect, it } from 'vitest';
import { textDigest48 } from './digest.ts';

describe('textDigest48', () => {
  it('is stable, fits 48 bits, and changes with any character', () => {
    const output = 'Remote package installed : openssl-1.0.2k\nShould be : openssl-1.0.2zh';
    const digest = textDigest48(output);
    expect(textDigest48(output)).toBe(digest);
    expect(Number.isSafeInteger(digest)).toBe(true);
    expect(digest).toBeLessThan(2 ** 48);
    expect(digest).toBeGreaterThanOrEqual(0);
    expect(textDigest48(output.replace('2zh', '2zi'))).not.toBe(digest);
    expect(textDigest48('')).not.toBe(textDigest48(' '));
  });

  it('spreads many similar outputs without collisions', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(textDigest48(`host ${i} output version 1.${i % 97}`));
    expect(seen.size).toBe(100_000);
  });
});
