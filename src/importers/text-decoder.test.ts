import { describe, expect, it } from 'vitest';
import { ChunkDecoder } from './text-decoder.ts';

function decodeInPieces(text: string, size: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const decoder = new ChunkDecoder();
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += decoder.write(bytes.subarray(i, i + size));
  return out + decoder.end();
}

describe('ChunkDecoder', () => {
  const text = 'Zürich – “quoted” 東京 😀 end, ascii only here';

  it.each([1, 2, 3, 5, 7, 64])('rebuilds multi-byte characters split across chunks of %i bytes', (size) => {
    expect(decodeInPieces(text, size)).toBe(text);
  });

  it('passes ASCII through unchanged', () => {
    expect(decodeInPieces('a,b,c\n1,2,3\n', 4)).toBe('a,b,c\n1,2,3\n');
  });

  it('turns a truncated character at the end into U+FFFD', () => {
    const bytes = Buffer.from('ok €', 'utf8');
    const decoder = new ChunkDecoder();
    const out = decoder.write(bytes.subarray(0, bytes.length - 1)) + decoder.end();
    expect(out).toBe('ok \uFFFD');
  });

  it('replaces invalid bytes instead of failing', () => {
    const decoder = new ChunkDecoder();
    expect(decoder.write(Buffer.from([0x61, 0xff, 0x62])) + decoder.end()).toBe('a\uFFFDb');
  });
});
