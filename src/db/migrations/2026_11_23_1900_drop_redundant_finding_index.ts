/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run on Kysely<any> by design */
/**
 * findings (lifecycle, severity) is a prefix of the query index findings_q_severity_vpr
 * (lifecycle, severity, vpr, id), which serves every query the shorter one did. Each index on
 * findings costs every import a write per created, resolved or re-scored finding.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS findings_lifecycle_severity`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX findings_lifecycle_severity ON findings (lifecycle, severity)`.execute(db);
}
