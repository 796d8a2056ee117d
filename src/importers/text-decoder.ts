/**
 * UTF-8 decoding of input chunks for the streaming parsers. Scanner exports are almost
 * always pure ASCII, and Node's UTF-8 decoders are ~10x slower than a plain byte copy on
 * large chunks, so ASCII chunks (checked with the SIMD `buffer.isAscii`) are decoded as
 * Latin-1, which is the same thing for ASCII. Other chunks go through TextDecoder; a
 * multi-byte character split across two chunks is carried over to the next one.
 */
import { isAscii } from 'node:buffer';

/**
 * Size of the strings handed to parsers. Strings up to this size (plus a carried partial
 * record) stay below V8's large-object threshold (128 KiB), so they and the substrings cut
 * from them are collected by the cheap young-generation GC. Decoding 1 MiB reads as one
 * string measured 3x more GC time.
 */
export const PIECE_BYTES = 64 * 1024;

/** Decodes an input chunk as strings of at most PIECE_BYTES bytes each. */
export function* decodePieces(chunk: Buffer | string, decoder: ChunkDecoder): Generator<string> {
  if (typeof chunk === 'string') {
    yield chunk;
    return;
  }
  if (chunk.length <= PIECE_BYTES) {
    yield decoder.write(chunk);
    return;
  }
  for (let offset = 0; offset < chunk.length; offset += PIECE_BYTES) yield decoder.write(chunk.subarray(offset, offset + PIECE_BYTES));
}

export class ChunkDecoder {
  private readonly utf8 = new TextDecoder('utf-8');
  private carry: Buffer | undefined;

  write(chunk: Buffer | string): string {
    if (typeof chunk === 'string') return chunk;
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    if (isAscii(bytes)) return bytes.toString('latin1');
    const end = completeEnd(bytes);
    if (end < bytes.length) this.carry = Buffer.from(bytes.subarray(end));
    return this.utf8.decode(bytes.subarray(0, end));
  }

  /** Whatever is left at the end of the input (an incomplete character decodes to U+FFFD). */
  end(): string {
    const rest = this.carry;
    this.carry = undefined;
    return rest === undefined ? '' : this.utf8.decode(rest);
  }
}

/** Length of the longest prefix of `bytes` that does not end inside a multi-byte character. */
function completeEnd(bytes: Buffer): number {
  const n = bytes.length;
  // Look back at most 3 bytes for the lead byte of the last character.
  for (let back = 1; back <= Math.min(4, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
