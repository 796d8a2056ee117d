/** Plugin details and CVE links from the Tenable plugin catalogue, upserted in batches; searched by plugin or CVE. */
import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

const BATCH = 400;

export interface PluginUpsert {
  plugin_id: string;
  plugin_name: string;
  synopsis: string | null;
  description: string | null;
  solution: string | null;
  see_also: string;
  cvss_base_score: number | null;
  cvss3_base_score: number | null;
  vpr_score: number | null;
  exploit_available: number;
  risk_factor: string | null;
  patch_publication_date: string | null;
  vulnerability_publication_date: string | null;
  plugin_modification_date: string | null;
}

/** Upserts plugins and their CVE links (run it in one write transaction); returns how many were new. */
export async function upsertPluginCatalog(trx: Db, plugins: readonly PluginUpsert[], links: readonly { plugin_id: string; cve_id: string }[], now: string): Promise<{ created: number }> {
  let created = 0;
  for (let start = 0; start < plugins.length; start += BATCH) {
    const batch = plugins.slice(start, start + BATCH);
    const existing = await trx.selectFrom('plugins').select(sql<number>`count(*)`.as('n')).where('plugin_id', 'in', batch.map((p) => p.plugin_id)).executeTakeFirstOrThrow();
    created += batch.length - Number(existing.n);
    await trx
      .insertInto('plugins')
      .values(batch.map((p) => ({ ...p, plugin_family: null, created_at: now, updated_at: now })))
      .onConflict((oc) =>
        oc.column('plugin_id').doUpdateSet((eb) => ({
          plugin_name: eb.ref('excluded.plugin_name'),
          synopsis: sql`coalesce(excluded.synopsis, plugins.synopsis)`,
          description: sql`coalesce(excluded.description, plugins.description)`,
          solution: sql`coalesce(excluded.solution, plugins.solution)`,
          see_also: eb.ref('excluded.see_also'),
          cvss_base_score: eb.ref('excluded.cvss_base_score'),
          cvss3_base_score: eb.ref('excluded.cvss3_base_score'),
          vpr_score: sql`coalesce(excluded.vpr_score, plugins.vpr_score)`,
          exploit_available: eb.ref('excluded.exploit_available'),
          risk_factor: eb.ref('excluded.risk_factor'),
          patch_publication_date: eb.ref('excluded.patch_publication_date'),
          vulnerability_publication_date: eb.ref('excluded.vulnerability_publication_date'),
          plugin_modification_date: eb.ref('excluded.plugin_modification_date'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  for (let start = 0; start < links.length; start += BATCH) {
    await trx
      .insertInto('plugin_cves')
      .values(links.slice(start, start + BATCH).map((l) => ({ ...l, correlation_source: 'Tenable API', correlation_confidence: 100, created_at: now })))
      .onConflict((oc) => oc.columns(['cve_id', 'plugin_id']).doUpdateSet({ correlation_source: 'Tenable API' }))
      .execute();
  }
  return { created };
}

export async function searchPluginMappings(db: Db, options: { q?: string | undefined; limit: number; offset: number }) {
  const q = options.q?.trim();
  let base = db.selectFrom('plugins');
  if (q) {
    const upper = q.toUpperCase();
    base = base.where((eb) =>
      eb.or([
        eb('plugins.plugin_id', '=', q),
        eb('plugins.plugin_id', 'in', eb.selectFrom('plugin_cves').select('plugin_cves.plugin_id').where('plugin_cves.cve_id', '=', upper)),
        eb(sql`lower(plugins.plugin_name)`, 'like', `%${q.toLowerCase().replace(/[\\%_]/g, '')}%`),
      ]),
    );
  }
  const total = Number((await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const plugins = await base
    .select(['plugin_id', 'plugin_name', 'plugin_family', 'risk_factor', 'cvss_base_score', 'cvss3_base_score', 'vpr_score', 'exploit_available', 'plugin_modification_date', 'updated_at'])
    .orderBy(sql`length(plugin_id)`)
    .orderBy('plugin_id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  const ids = plugins.map((p) => p.plugin_id);
  const links = ids.length === 0 ? [] : await db.selectFrom('plugin_cves').select(['plugin_id', 'cve_id', 'correlation_source', 'correlation_confidence']).where('plugin_id', 'in', ids).orderBy('cve_id').execute();
  return { total, plugins, links };
}
