import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/scan-files.ts';
import { ImportFormatError, type ParseEvent } from './importer.ts';
import { PARSE_BATCH_EVENTS, PARSE_BATCHES_AHEAD } from './parse-thread-protocol.ts';
import { openImportFile } from './registry.ts';
import { FIXTURES_DIR } from './test-utils.ts';

const IN_THREAD = Number.POSITIVE_INFINITY;
const AHEAD = 0;

async function events(file: string, parseAheadFromBytes: number): Promise<{ events: ParseEvent[]; bytesRead: number } | { error: unknown }> {
  try {
    const opened = await openImportFile(file, { parseAheadFromBytes });
    const all: ParseEvent[] = [];
    for await (const event of opened.events) all.push(event);
    return { events: all, bytesRead: opened.bytesRead() };
  } catch (error) {
    return { error };
  }
}

/** What the contract promises: a plugin's text on its first finding only; the description kept where there is no CVE. */
function withPluginTextOnce(parsed: ParseEvent[]): ParseEvent[] {
  const seen = new Set<string>();
  return parsed.map((event) => {
    if (event.kind !== 'finding') return event;
    const { finding } = event;
    if (!seen.has(finding.pluginId)) {
      seen.add(finding.pluginId);
      return event;
    }
    const { synopsis: _s, solution: _so, seeAlso: _sa, pluginFamily: _f, description, ...rest } = finding;
    return { kind: 'finding', finding: finding.cves.length > 0 ? rest : { ...rest, ...(description === undefined ? {} : { description }) } };
  });
}

function fixtureFiles(): string[] {
  return readdirSync(FIXTURES_DIR).flatMap((format) => readdirSync(path.join(FIXTURES_DIR, format)).map((name) => path.join(FIXTURES_DIR, format, name)));
}

/** A simple-columns file of `rows` rows over a few plugins with long texts, every 997th row bad. */
function largeFile(rows: number): string {
  const lines = ['hostname,ip_address,severity,vpr_score,cvss_score,plugin_id,plugin_name,description,solution,cve,state,first_seen,last_seen'];
  for (let i = 0; i < rows; i++) {
    const plugin = 1000 + (i % 37);
    const pluginId = i % 997 === 0 ? '' : String(plugin);
    const cve = plugin % 3 === 0 ? '' : `"CVE-2024-${plugin},CVE-2023-${i % 5 + 10000}"`;
    lines.push(`host-${i % 211},10.1.${i % 200}.${i % 250},High,7.4,8.1,${pluginId},Plugin ${plugin},"Description of ${plugin} ${'x'.repeat(300)}","Patch ${plugin}",${cve},OPEN,2025-01-01,2025-06-01`);
  }
  const file = path.join(tempDir('parse-ahead-'), 'large.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('parsing a file ahead in a thread', () => {
  it.each(fixtureFiles())('gives the same events or the same error as parsing in this thread: %s', async (file) => {
    const here = await events(file, IN_THREAD);
    const ahead = await events(file, AHEAD);
    if ('error' in here) {
      expect('error' in ahead).toBe(true);
      const [expected, actual] = [here.error as Error, (ahead as { error: Error }).error];
      expect(actual.constructor).toBe(expected.constructor);
      expect(actual.message).toBe(expected.message);
      if (expected instanceof ImportFormatError) {
        expect((actual as ImportFormatError).fileName).toBe(expected.fileName);
        expect((actual as ImportFormatError).line).toBe(expected.line);
      }
      return;
    }
    expect('events' in ahead).toBe(true);
    const got = ahead as { events: ParseEvent[]; bytesRead: number };
    expect(got.events).toEqual(withPluginTextOnce(here.events));
    expect(got.bytesRead).toBe(statSync(file).size);
  });

  it('keeps order, rejections and plugin text over many batches, with the parser held a few batches ahead', async () => {
    const rows = PARSE_BATCH_EVENTS * (PARSE_BATCHES_AHEAD + 8) + 321;
    const file = largeFile(rows);
    const here = await events(file, IN_THREAD);
    const ahead = await events(file, AHEAD);
    if (!('events' in here) || !('events' in ahead)) throw new Error('the large file must parse');
    expect(here.events).toHaveLength(rows);
    expect(here.events.filter((e) => e.kind === 'rejected').map((e) => (e.kind === 'rejected' ? e.issue.line : 0))).toEqual(
      Array.from({ length: Math.ceil(rows / 997) }, (_, k) => k * 997 + 2),
    );
    expect(ahead.events).toEqual(withPluginTextOnce(here.events));
    // The text a plugin's first finding carries is all there.
    const first = ahead.events.find((e) => e.kind === 'finding' && e.finding.pluginId === '1001');
    expect(first?.kind === 'finding' && first.finding.description?.startsWith('Description of 1001')).toBe(true);
    expect(first?.kind === 'finding' && first.finding.solution).toBe('Patch 1001');
  });

  it('stops the parser when the import stops reading', async () => {
    const file = largeFile(PARSE_BATCH_EVENTS * (PARSE_BATCHES_AHEAD + 20));
    const opened = await openImportFile(file, { parseAheadFromBytes: AHEAD });
    let taken = 0;
    for await (const _ of opened.events) if (++taken === 10) break;
    expect(taken).toBe(10);
    // Held by the batches it may run ahead, the parser never read the whole file.
    expect(opened.bytesRead()).toBeGreaterThan(0);
    expect(opened.bytesRead()).toBeLessThan(statSync(file).size);
  });
});
