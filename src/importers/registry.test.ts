import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportFormatError } from './importer.ts';
import { IMPORT_FORMATS, detectFormat, formatIds, getFormat, openImportFile } from './registry.ts';
import { collect, fixturePath, sampleText } from './test-utils.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hextrackr-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tempFile(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

describe('registry', () => {
  it('lists every format once, with its required columns', () => {
    expect(formatIds()).toEqual(['nessus-xml', 'tenable-export-json', 'tenable-vm-csv', 'tenable-io-csv', 'tenable-sc-csv', 'nessus-csv', 'hextrackr-csv']);
    expect(new Set(formatIds()).size).toBe(IMPORT_FORMATS.length);
    for (const format of IMPORT_FORMATS) {
      expect(getFormat(format.id)).toBe(format);
      expect(format.requiredColumns.length).toBeGreaterThan(0);
    }
    expect(getFormat('nope')).toBeUndefined();
  });

  it('detects each format from its header, most specific first', () => {
    const cases: [string, string][] = [
      ['<?xml version="1.0" ?>\n<NessusClientData_v2>\n<Policy>', 'nessus-xml'],
      ['[{"asset":{"uuid":"u"},"plugin":{"id":1},"severity":"low"}]', 'tenable-export-json'],
      ['age_in_days;asset.id;asset.name;definition.id;severity;state\n', 'tenable-vm-csv'],
      ['Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,Vulnerability State,IP Address\n', 'tenable-io-csv'],
      ['"Plugin","Plugin Name","Family","Severity","IP Address","Protocol","Port"\n', 'tenable-sc-csv'],
      ['Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,See Also,Plugin Output\n', 'nessus-csv'],
      ['hostname,ip_address,severity,plugin_id,plugin_name\n', 'hextrackr-csv'],
    ];
    for (const [head, id] of cases) expect(detectFormat(sampleText(head))?.id).toBe(id);
    expect(detectFormat(sampleText('a,b,c\n1,2,3\n'))).toBeUndefined();
    expect(detectFormat(sampleText(''))).toBeUndefined();
    expect(detectFormat(sampleText('\u0000\u0001binary'))).toBeUndefined();
  });

  it('opens a file: detection from the first bytes, then a streamed parse with byte progress', async () => {
    const opened = await openImportFile(fixturePath('nessus-csv', 'many.csv'));
    expect(opened.format.id).toBe('nessus-csv');
    expect(opened.bytesRead()).toBe(0);
    const { findings } = await collect(opened.events);
    expect(findings).toHaveLength(4);
    expect(opened.totalBytes).toBeGreaterThan(0);
    expect(opened.bytesRead()).toBe(opened.totalBytes);
  });

  it('uses the format it is given, and refuses an unknown one', async () => {
    const file = fixturePath('hextrackr-csv', 'one.csv');
    const opened = await openImportFile(file, { format: 'hextrackr-csv', fileName: 'upload.csv' });
    expect(opened.format.id).toBe('hextrackr-csv');
    await expect(openImportFile(file, { format: 'excel' as never })).rejects.toThrow(/Unknown import format "excel"/);
    // A forced format that does not fit the header fails when read, naming the missing column.
    const forced = await openImportFile(file, { format: 'tenable-sc-csv', fileName: 'upload.csv' });
    await expect(collect(forced.events)).rejects.toThrow(/upload\.csv is not a Tenable\.sc vulnerability detail CSV file: missing column Plugin/);
  });

  it('explains an unrecognised file: its name, what was seen, and every format with its columns', async () => {
    const file = tempFile('weird.csv', 'Foo,Bar,Baz\n1,2,3\n');
    const error = await openImportFile(file, { fileName: 'weird-upload.csv' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFormatError);
    const message = (error as ImportFormatError).message;
    expect((error as ImportFormatError).fileName).toBe('weird-upload.csv');
    expect(message).toContain('"weird-upload.csv"');
    expect(message).toContain('comma-separated header with 3 columns: "Foo", "Bar", "Baz"');
    for (const format of IMPORT_FORMATS) {
      expect(message).toContain(format.id);
      for (const column of format.requiredColumns) expect(message).toContain(column);
    }
  });

  it('describes non-CSV content and empty files', async () => {
    const xml = await openImportFile(tempFile('other.xml', '<?xml version="1.0"?>\n<report/>\n')).catch((e: unknown) => e);
    expect((xml as Error).message).toContain('content starting with "<?xml version=\\"1.0\\"?>"');
    const empty = await openImportFile(tempFile('empty.csv', '')).catch((e: unknown) => e);
    expect((empty as Error).message).toContain('the file is empty');
  });

  it('detects a file with a UTF-8 BOM', async () => {
    const file = tempFile('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('hostname,ip_address,severity,plugin_id\nh,10.0.0.1,Low,1\n')]));
    const opened = await openImportFile(file);
    expect(opened.format.id).toBe('hextrackr-csv');
    expect((await collect(opened.events)).findings).toHaveLength(1);
  });

  it('stops reading when the consumer stops early', async () => {
    const rows = Array.from({ length: 80_000 }, (_, i) => `h${i},10.0.${(i >> 8) & 255}.${i & 255},Low,${i}`).join('\n');
    const file = tempFile('big.csv', `hostname,ip_address,severity,plugin_id\n${rows}\n`);
    const opened = await openImportFile(file);
    let seen = 0;
    for await (const event of opened.events) {
      expect(event.kind).toBe('finding');
      if (++seen === 10) break;
    }
    expect(opened.bytesRead()).toBeLessThan(opened.totalBytes);
  });
});
