/** Named Tenable settings (encrypted credentials, sync watermarks). Values are opaque text here. */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export async function readSettings(db: Db, names: readonly string[]): Promise<Map<string, { value: string; updatedAt: string }>> {
  if (names.length === 0) return new Map();
  const rows = await db.selectFrom('tenable_settings').selectAll().where('name', 'in', [...names]).execute();
  return new Map(rows.map((r) => [r.name, { value: r.value, updatedAt: r.updated_at }]));
}

export async function writeSettings(db: Db, values: Record<string, string>, now: string): Promise<void> {
  const rows = Object.entries(values).map(([name, value]) => ({ name, value, updated_at: now }));
  if (rows.length === 0) return;
  await db
    .insertInto('tenable_settings')
    .values(rows)
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
    .execute();
}

export async function deleteSettings(db: Db, names: readonly string[]): Promise<number> {
  if (names.length === 0) return 0;
  const result = await db.deleteFrom('tenable_settings').where('name', 'in', [...names]).executeTakeFirst();
  return Number(result.numDeletedRows);
}
