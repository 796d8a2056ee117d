/**
 * Plugin mapping sync: the Tenable plugin catalogue (paged by last_updated, from the last
 * successful plugin sync) upserted into plugins and plugin_cves. The spec's validation rules are
 * applied per plugin: an invalid plugin id skips the plugin, an invalid CVE skips the link, a
 * score out of range is dropped, a CVSS/severity disagreement is only reported. Never fatal.
 */
import type { DatabaseHandle } from '../db/database.ts';
import { type PluginUpsert, searchPluginMappings, upsertPluginCatalog } from '../db/repositories/tenable-plugins.repository.ts';
import { withWriteTransaction } from '../db/repositories/write-transaction.ts';
import { readSettings, writeSettings } from '../db/repositories/tenable-settings.repository.ts';
import { type PluginIssue, cvssSeverityMismatch, validCve, validPluginId, validScore } from '../domain/plugin-validation.ts';
import type { TenableClient } from '../integrations/tenable/client/index.ts';
import type { PluginListAttributes } from '../integrations/tenable/tenable.api-types.ts';
import type { Logger } from '../logging/logger.ts';
import { abortable, throwIfAborted } from './abortable.ts';

const WATERMARK = 'plugins.last_updated';
const WRITE_BATCH = 2000;
/** Issues kept in the result (all are counted). */
const ISSUES_KEPT = 200;

export interface PluginSyncOptions {
  /** Every plugin, not only those updated since the last plugin sync. */
  full?: boolean | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((pluginsProcessed: number) => void) | undefined;
  pageSize?: number | undefined;
}

export interface PluginSyncResult {
  since: string;
  processed: number;
  created: number;
  updated: number;
  cveLinks: number;
  skipped: number;
  issueCount: number;
  issues: PluginIssue[];
}

function day(value: string | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})/.exec(value);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

export class TenablePluginSyncService {
  constructor(
    private readonly database: DatabaseHandle,
    private readonly logger?: Logger,
  ) {}

  async syncPlugins(client: TenableClient, options: PluginSyncOptions = {}): Promise<PluginSyncResult> {
    throwIfAborted(options.signal);
    const startedOn = new Date().toISOString().slice(0, 10);
    const since = options.full ? '1970-01-01' : ((await readSettings(this.database.db, [WATERMARK])).get(WATERMARK)?.value ?? '1970-01-01');
    const result: PluginSyncResult = { since, processed: 0, created: 0, updated: 0, cveLinks: 0, skipped: 0, issueCount: 0, issues: [] };
    const report = (issue: PluginIssue) => {
      result.issueCount += 1;
      if (result.issues.length < ISSUES_KEPT) result.issues.push(issue);
    };
    let plugins: PluginUpsert[] = [];
    let links: { plugin_id: string; cve_id: string }[] = [];
    const seen = new Set<string>();
    const flush = async () => {
      if (plugins.length === 0) return;
      const now = new Date().toISOString();
      // Queued behind imports on PostgreSQL: a rollover upserts the same plugins (see write-transaction.ts).
      const { created } = await withWriteTransaction(this.database, (trx) => upsertPluginCatalog(trx, plugins, links, now), { serialWithImports: true });
      result.created += created;
      result.updated += plugins.length - created;
      result.cveLinks += links.length;
      plugins = [];
      links = [];
      options.onProgress?.(result.processed);
    };
    const pages = client.plugins({ lastUpdated: since, size: options.pageSize ?? 1000 });
    for await (const plugin of abortable(pages, options.signal, async () => undefined)) {
      result.processed += 1;
      const id = String(plugin.id);
      if (!validPluginId(id)) {
        report({ plugin_id: id, field: 'id', problem: 'plugin id must be a number of 1 to 6 digits (1..999999); plugin skipped' });
        result.skipped += 1;
        continue;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      const row = this.toRow(id, plugin.name, plugin.attributes ?? {}, report);
      plugins.push(row);
      for (const raw of plugin.attributes?.cve ?? []) {
        const cve = String(raw).trim().toUpperCase();
        if (validCve(cve)) links.push({ plugin_id: id, cve_id: cve });
        else report({ plugin_id: id, field: 'cve', problem: `"${String(raw)}" is not a CVE id (CVE-YYYY-NNNN); link skipped` });
      }
      if (plugins.length >= WRITE_BATCH) await flush();
    }
    await flush();
    await writeSettings(this.database.db, { [WATERMARK]: startedOn }, new Date().toISOString());
    if (result.issueCount > 0) {
      this.logger?.warn('tenable', 'plugin sync found data problems (reported, not fatal)', { count: result.issueCount, first: result.issues.slice(0, 5) });
    }
    return result;
  }

  async mappings(options: { q?: string | undefined; limit: number; offset: number }) {
    const { total, plugins, links } = await searchPluginMappings(this.database.db, options);
    const byPlugin = new Map<string, { cve_id: string; correlation_source: string; correlation_confidence: number }[]>();
    for (const l of links) {
      const list = byPlugin.get(l.plugin_id) ?? [];
      list.push({ cve_id: l.cve_id, correlation_source: l.correlation_source, correlation_confidence: Number(l.correlation_confidence) });
      byPlugin.set(l.plugin_id, list);
    }
    return {
      total,
      items: plugins.map((p) => ({
        ...p,
        cvss_base_score: p.cvss_base_score === null ? null : Number(p.cvss_base_score),
        cvss3_base_score: p.cvss3_base_score === null ? null : Number(p.cvss3_base_score),
        vpr_score: p.vpr_score === null ? null : Number(p.vpr_score),
        exploit_available: Number(p.exploit_available) === 1,
        cves: byPlugin.get(p.plugin_id) ?? [],
      })),
    };
  }

  private toRow(id: string, name: string, a: PluginListAttributes, report: (issue: PluginIssue) => void): PluginUpsert {
    const score = (field: string, value: number | undefined): number | null => {
      if (value === undefined || value === null) return null;
      if (validScore(value)) return value;
      report({ plugin_id: id, field, problem: `${value} is outside 0..10; not stored` });
      return null;
    };
    const cvss2 = score('cvss_base_score', a.cvss_base_score);
    const cvss3 = score('cvss3_base_score', a.cvss3_base_score);
    const vpr = score('vpr.score', a.vpr?.score);
    const mismatch = cvssSeverityMismatch(a.risk_factor, cvss3, cvss2);
    if (mismatch) report({ plugin_id: id, field: 'risk_factor', problem: mismatch });
    return {
      plugin_id: id,
      plugin_name: name || `Plugin ${id}`,
      synopsis: a.synopsis ?? null,
      description: a.description ?? null,
      solution: a.solution ?? null,
      see_also: JSON.stringify(a.see_also ?? []),
      cvss_base_score: cvss2,
      cvss3_base_score: cvss3,
      vpr_score: vpr,
      exploit_available: a.exploit_available ? 1 : 0,
      risk_factor: a.risk_factor ?? null,
      patch_publication_date: day(a.patch_publication_date),
      vulnerability_publication_date: day(a.vuln_publication_date),
      plugin_modification_date: day(a.plugin_modification_date),
    };
  }
}
