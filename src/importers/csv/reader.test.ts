import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ImportFormatError } from '../importer.ts';
import { CsvHeader, detectDelimiter, sniffCsvHeader } from './header.ts';
import { readCsv, type CsvRecord } from './reader.ts';

interface Read {
  header: string[] | undefined;
  delimiter: string | undefined;
  records: CsvRecord[];
  batches: number;
}

async function read(text: string | Buffer, chunkBytes = 1 << 16, options = {}): Promise<Read> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes));
  const out: Read = { header: undefined, delimiter: undefined, records: [], batches: 0 };
  for await (const batch of readCsv(Readable.from(chunks), 'test.csv', options)) {
    out.batches++;
    out.header = [...batch.header.names];
    out.delimiter = batch.delimiter;
    out.records.push(...batch.records);
  }
  return out;
}

const lines = (r: Read) => r.records.map((x) => x.line);
const cells = (r: Read) => r.records.map((x) => x.cells);

describe('readCsv', () => {
  it('yields nothing for an empty or whitespace-only input', async () => {
    expect((await read('')).batches).toBe(0);
    expect((await read('\n\r\n  \n')).batches).toBe(0);
  });

  it('yields the header of a header-only file with no records', async () => {
    const r = await read('a,b,c\n');
    expect(r.header).toEqual(['a', 'b', 'c']);
    expect(r.records).toEqual([]);
    expect((await read('a,b,c')).header).toEqual(['a', 'b', 'c']);
  });

  it('reads records with their 1-based start line', async () => {
    const r = await read('a,b\n1,2\n3,4\n');
    expect(cells(r)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(lines(r)).toEqual([2, 3]);
  });

  it('counts the line breaks inside quoted cells', async () => {
    const r = await read('a,b\n"x\ny\nz",1\n2,"p\n\nq"\n3,4\n');
    expect(cells(r)).toEqual([
      ['x\ny\nz', '1'],
      ['2', 'p\n\nq'],
      ['3', '4'],
    ]);
    expect(lines(r)).toEqual([2, 5, 8]);
  });

  it('strips a UTF-8 BOM and reads CRLF files, keeping CRLF inside quoted cells', async () => {
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name,value\r\n"multi\r\nline",1\r\nb,2\r\n')]);
    const r = await read(text);
    expect(r.header).toEqual(['name', 'value']);
    expect(cells(r)).toEqual([
      ['multi\r\nline', '1'],
      ['b', '2'],
    ]);
    expect(lines(r)).toEqual([2, 4]);
  });

  it('detects the semicolon delimiter from the header line', async () => {
    const r = await read('asset.id;asset.name;definition.id\nu1;"a;b";1\n');
    expect(r.delimiter).toBe(';');
    expect(cells(r)).toEqual([['u1', 'a;b', '1']]);
  });

  it('skips blank lines and all-empty rows silently, still counting their lines', async () => {
    const r = await read('a,b,c\n1,2,3\n\n,,\n , ,\n4,5,6\n,,\n,,\n');
    expect(cells(r)).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
    expect(lines(r)).toEqual([2, 6]);
  });

  it('skips blank lines before the header', async () => {
    const r = await read('\n\na,b\n1,2\n');
    expect(r.header).toEqual(['a', 'b']);
    expect(lines(r)).toEqual([4]);
  });

  it('reads short rows and rows with trailing empty cells by position', async () => {
    const r = await read('a,b,c\n1,2\n3,4,5,,,\n');
    expect(cells(r)).toEqual([
      ['1', '2'],
      ['3', '4', '5', '', '', ''],
    ]);
    expect(r.records.every((x) => x.problem === undefined)).toBe(true);
  });

  it('flags rows with extra non-empty cells and rows with broken quotes', async () => {
    const r = await read('a,b\n1,2,3\n"x"y",2\nok,1\n');
    expect(r.records.map((x) => [x.line, x.problem])).toEqual([
      [2, 'record has 3 cells but the header has 2'],
      [3, 'malformed quotes: Trailing quote on quoted field is malformed'],
      [4, undefined],
    ]);
  });

  it('flags an unterminated quoted field at the end of the file', async () => {
    const r = await read('a,b\n1,2\n3,"never closed\n4,5\n');
    expect(r.records.map((x) => [x.line, x.problem])).toEqual([
      [2, undefined],
      [3, 'unterminated quoted field'],
    ]);
  });

  it('refuses a record larger than the limit (runaway quote) instead of buffering the file', async () => {
    const text = `a,b\n1,"${'x'.repeat(5000)}`;
    await expect(read(text, 100, { maxRecordChars: 1000 })).rejects.toThrow(ImportFormatError);
    await expect(read(text, 100, { maxRecordChars: 1000 })).rejects.toThrow(/line 2/);
  });

  it('gives the same records whatever the chunk size (chunk boundaries inside quotes, CRLF and UTF-8)', async () => {
    const text = '\uFEFFh1,h2,h3\r\n"a ""quoted"" ü, cell","multi\r\nline ✓",x\r\n\r\nplain,é,"end"\r\n,,\r\nlast,"😀",z';
    const expected = await read(text);
    expect(cells(expected)).toEqual([
      ['a "quoted" ü, cell', 'multi\r\nline ✓', 'x'],
      ['plain', 'é', 'end'],
      ['last', '😀', 'z'],
    ]);
    expect(lines(expected)).toEqual([2, 5, 7]);
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const r = await read(text, size);
      expect(cells(r)).toEqual(cells(expected));
      expect(lines(r)).toEqual(lines(expected));
    }
  });

  it('streams: the first batch arrives before the input ends', async () => {
    let produced = 0;
    async function* source(): AsyncGenerator<string> {
      yield 'a,b\n';
      for (let i = 0; i < 1000; i++) {
        produced++;
        yield `${i},x\n`;
      }
    }
    for await (const batch of readCsv(source(), 'big.csv')) {
      if (batch.records.length > 0) break;
    }
    expect(produced).toBeLessThan(10);
  });
});

describe('CsvHeader', () => {
  it('matches names case-insensitively and trimmed, ignores empty names, first duplicate wins', () => {
    const h = new CsvHeader([' Plugin ID ', '', 'HOST', 'host', '']);
    expect(h.has('plugin id')).toBe(true);
    expect(h.column('Host')).toEqual({ index: 2, name: 'HOST' });
    expect(h.column('missing', 'PLUGIN ID')).toEqual({ index: 0, name: 'Plugin ID' });
    expect(h.has('')).toBe(false);
    expect(h.columns(['host', 'nope', 'plugin id'])).toEqual([
      { index: 2, name: 'HOST' },
      { index: 0, name: 'Plugin ID' },
    ]);
  });
});

describe('detectDelimiter / sniffCsvHeader', () => {
  it('picks ; only when the header has more semicolons than commas', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a,b;c,d')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
  });

  it('reads the quoted header of a sample, and refuses XML / JSON samples', () => {
    const s = sniffCsvHeader({ fileName: 'x.csv', head: '"Plugin","Plugin Name"\r\n"1","x"' });
    expect(s?.header.names).toEqual(['Plugin', 'Plugin Name']);
    expect(sniffCsvHeader({ fileName: 'x.nessus', head: '<?xml version="1.0"?><a/>' })).toBeUndefined();
    expect(sniffCsvHeader({ fileName: 'x.json', head: '[{"a":1}]' })).toBeUndefined();
    expect(sniffCsvHeader({ fileName: 'x.txt', head: 'just one word\n' })).toBeUndefined();
  });
});
