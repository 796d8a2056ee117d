import { describe, expect, it } from 'vitest';
import { ImportFormatError } from '../importer.ts';
import { detectFormat } from '../registry.ts';
import { parseFixture, parseText, parseWithChunkSizes, sampleOf, sampleText } from '../test-utils.ts';
import { nessusXml } from './index.ts';

const ID = 'nessus-xml';
const parse = (name: string) => parseFixture(nessusXml, ID, name);

describe('nessus-xml', () => {
  it('is detected from the NessusClientData_v2 root (also behind a DOCTYPE, which parse then refuses)', () => {
    for (const name of ['one.nessus', 'many.nessus', 'bom-crlf.nessus', 'doctype-xxe.nessus', 'billion-laughs.nessus']) {
      expect(nessusXml.detect(sampleOf(ID, name))).toBe(true);
      expect(detectFormat(sampleOf(ID, name))?.id).toBe(ID);
    }
    expect(nessusXml.detect(sampleOf(ID, 'wrong-root.xml'))).toBe(false);
    expect(nessusXml.detect(sampleText('Plugin ID,Host\n1,h\n'))).toBe(false);
  });

  it('yields nothing for an empty file', async () => {
    expect(await parse('empty.nessus')).toEqual({ findings: [], rejected: [] });
  });

  it('maps one ReportItem with its host properties, skipping the Policy preamble', async () => {
    const { findings, rejected } = await parse('one.nessus');
    expect(rejected).toEqual([]);
    expect(findings).toEqual([
      {
        line: 21,
        hostname: 'web01.example.test',
        ipAddress: '10.7.0.1',
        macAddress: '00:50:56:81:01:e3',
        fqdn: 'web01.example.test',
        netbiosName: 'WEB01',
        operatingSystem: 'Linux Kernel 3.10',
        pluginId: '42873',
        pluginName: 'SSL Medium Strength Cipher Suites Supported (SWEET32)',
        pluginFamily: 'General',
        severity: 3,
        vprScore: 5.1,
        cvssBaseScore: 5,
        cvss3BaseScore: 7.5,
        cves: ['CVE-2016-2183'],
        port: 443,
        protocol: 'tcp',
        service: 'www',
        lastSeen: '2024-02-12',
        output: 'Medium Strength Ciphers (> 64-bit and < 112-bit key, or 3DES)',
        synopsis: 'The remote service supports the use of medium strength SSL ciphers.',
        description: 'The remote host supports the use of SSL ciphers that offer medium strength encryption.',
        solution: 'Reconfigure the affected application if possible.',
        seeAlso: ['https://www.openssl.org/blog/blog/2016/08/24/sweet32/', 'https://sweet32.info'],
        exploitAvailable: false,
      },
    ]);
  });

  it('reads several hosts: repeated <cve>, CDATA, entities, non-ASCII, ctime and epoch HOST_END', async () => {
    const { findings, rejected } = await parse('many.nessus');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.hostname, f.ipAddress, f.pluginId, f.severity, f.lastSeen])).toEqual([
      [17, 'zürich.example.test', '10.7.0.2', '19506', 0, '2013-07-01'],
      [26, 'zürich.example.test', '10.7.0.2', '31649', 4, '2013-07-01'],
      [44, 'db01', '10.7.0.3', '73756', 2, '2022-03-23'],
      [47, 'db01', '10.7.0.3', '73757', 3, '2022-03-23'],
    ]);
    expect(findings[0]!.output).toBe('Information about this scan :\n\nNessus version : 5.2.1\nScanner IP : 172.16.138.174');
    expect(findings[0]!.solution).toBeUndefined();
    expect(findings[1]).toMatchObject({
      pluginName: 'PHP 5.x < 5.2 Multiple Vulnerabilities',
      cves: ['CVE-2006-1015', 'CVE-2006-1549', 'CVE-2006-2660'],
      description: 'According to its banner, PHP <5.2 is "vulnérable" & old.',
      output: 'Version source : http://example.test/phpinfo.php\nInstalled version : 5.1.6 — ✓',
      exploitAvailable: true,
    });
    // The severity attribute is trusted even when CVSS v3 says otherwise (DefectDojo would say Critical).
    expect(findings[2]).toMatchObject({ severity: 2, cvss3BaseScore: 10, protocol: 'tcp' });
  });

  it('reads a BOM + CRLF file', async () => {
    const { findings, rejected } = await parse('bom-crlf.nessus');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.output])).toEqual([[7, 'line 1\nline 2']]);
  });

  it('rejects bad ReportItems with their line and the attribute / element at fault', async () => {
    const { findings, rejected } = await parse('bad-items.nessus');
    expect(findings.map((f) => f.line)).toEqual([7]);
    expect(rejected.map((r) => [r.line, r.field])).toEqual([
      [8, 'port'],
      [9, 'pluginID'],
      [10, 'severity'],
      [11, 'cvss3_base_score'],
      [14, 'ReportHost name'],
      [19, 'HOST_END'],
    ]);
  });

  it.each(['doctype-xxe.nessus', 'billion-laughs.nessus'])('refuses any DOCTYPE / entity declaration (%s)', async (name) => {
    const started = Date.now();
    const error = await parse(name).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFormatError);
    expect((error as ImportFormatError).message).toMatch(/DOCTYPE declarations are not accepted/);
    expect((error as ImportFormatError).fileName).toBe(name);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses undefined entities, broken XML and a wrong root element', async () => {
    await expect(parse('undefined-entity.nessus')).rejects.toThrow(/undefined entity/);
    await expect(parse('broken.nessus')).rejects.toThrow(ImportFormatError);
    await expect(parse('wrong-root.xml')).rejects.toThrow(/root element is <NessusClientData>/);
    await expect(parseText(nessusXml, '<?xml version="1.0"?>\n')).rejects.toThrow(ImportFormatError);
  });

  it('gives the same result whatever the read size', async () => {
    for (const name of ['one.nessus', 'many.nessus', 'bom-crlf.nessus', 'bad-items.nessus']) {
      const [a, b, c] = await parseWithChunkSizes(nessusXml, ID, name);
      expect(a).toEqual(c);
      expect(b).toEqual(c);
    }
  });

  it('skips a multi-megabyte Policy preamble cheaply', async () => {
    const preference = '<preference><name>plugin_set</name><value>' + '12345;'.repeat(50) + '</value></preference>\n';
    const policy = `<Policy><Preferences><ServerPreferences>${preference.repeat(8000)}</ServerPreferences></Preferences></Policy>\n`;
    const xml = `<?xml version="1.0" ?>\n<NessusClientData_v2>\n${policy}<Report name="r"><ReportHost name="h"><HostProperties><tag name="host-ip">10.0.0.1</tag></HostProperties><ReportItem port="0" protocol="tcp" severity="1" pluginID="1" pluginName="x"/></ReportHost></Report></NessusClientData_v2>\n`;
    expect(xml.length).toBeGreaterThan(2_000_000);
    const started = Date.now();
    const { findings } = await parseText(nessusXml, xml);
    expect(findings.map((f) => [f.line, f.pluginId])).toEqual([[8004, '1']]);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('nessus-xml DOCTYPE refusal', () => {
  it('refuses a DOCTYPE before it is complete (a huge internal subset is never buffered)', async () => {
    let produced = 0;
    async function* hostile(): AsyncGenerator<string> {
      yield '<?xml version="1.0"?>\n<!DOC';
      yield 'TYPE x [\n';
      for (let i = 0; i < 100_000; i++) {
        produced++;
        yield `<!ENTITY e${i} "${'x'.repeat(100)}">\n`;
      }
      yield ']><NessusClientData_v2/>';
    }
    await expect(collectEvents(nessusXml.parse(hostile() as never, 'hostile.nessus'))).rejects.toThrow(/DOCTYPE declarations are not accepted/);
    expect(produced).toBeLessThan(5);
  });
});

async function collectEvents(events: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of events) out.push(e);
  return out;
}
