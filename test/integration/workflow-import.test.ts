/**
 * The workflow rules through the real import path (small CSVs and a Tenable-style stream):
 * split ownership across imports, remediation conflicts, automatic remediation, SLA due dates,
 * accepted-risk expiry, bulk updates. Service level; the HTTP surface is in workflow-http.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openApplication } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import type { ParsedFinding, ParseEvent } from '../../src/importers/importer.ts';
import { ImportScanService } from '../../src/services/import-scan.service.ts';
import { WorkflowService } from '../../src/services/workflow.service.ts';
import { type SimpleRow, tempDir, writeSimpleCsv } from '../helpers/scan-files.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.ts';

const web = (cve: string, severity = 'High', vpr = 7): SimpleRow => ({ hostname: 'web01', ip: '10.0.0.1', severity, vpr, pluginId: '2001', cve });

describe.each(DIALECTS)('workflow rules at import on %s', (dialect) => {
  let tdb: TestDatabase;
  let imports: ImportScanService;
  let workflow: WorkflowService;
  let dir: string;

  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    imports = new ImportScanService(tdb.handle);
    workflow = new WorkflowService(tdb.handle);
    dir = tempDir();
  });
  afterEach(async () => {
    await tdb.destroy();
  });

  let fileCount = 0;
  const importRows = (rows: SimpleRow[], scanDate: string) =>
    imports.importFile({ filePath: writeSimpleCsv(dir, `scan-${fileCount++}.csv`, rows), scanDate });

  /** A Tenable VM sync: the same import path with source 'tenable' and scope 'state'. */
  async function syncRecords(records: (Partial<ParsedFinding> & { state: string })[], scanDate: string) {
    async function* events(): AsyncGenerator<ParseEvent> {
      let line = 1;
      for (const record of records) {
        yield { kind: 'finding', finding: { line: line++, hostname: 'web01', ipAddress: '10.0.0.1', pluginId: '2001', pluginName: 'Plugin 2001', severity: 3, cves: [], ...record } };
      }
    }
    const prepared = await imports.prepareStream({ events: events(), sourceName: 'Tenable VM export', format: 'tenable-vm-api', source: 'tenable', scanDate, scope: 'state' });
    return prepared.run();
  }

  const finding = (key: string) => tdb.handle.db.selectFrom('findings_view').selectAll().where('unique_key', '=', key).executeTakeFirstOrThrow();
  const idOf = async (key: string) => Number((await finding(key)).id);
  const history = async (id: number) =>
    (await tdb.handle.db.selectFrom('finding_history').selectAll().where('finding_id', '=', id).orderBy('id').execute()).map((h) => ({
      source: h.source,
      changed_by: h.changed_by,
      field: h.field,
      old_value: h.old_value,
      new_value: h.new_value,
    }));
  const conflicts = () => tdb.handle.db.selectFrom('sync_conflicts').selectAll().orderBy('id').execute();

  it('a False Positive stays one across later imports: imports never write user-owned fields', async () => {
    await importRows([web('CVE-2025-0001'), web('CVE-2025-0002')], '2025-01-01');
    const id = await idOf('web01|CVE-2025-0001');
    await workflow.update(id, { status: 'False Positive', false_positive_reason: 'compensating control', assigned_to: 'alice', custom_tags: ['pci'] }, 'alice');
    const before = await finding('web01|CVE-2025-0001');

    // Seen again with a new severity, then gone, then back.
    await importRows([web('CVE-2025-0001', 'Critical', 9.5), web('CVE-2025-0002')], '2025-01-02');
    await importRows([web('CVE-2025-0002')], '2025-01-03');
    await importRows([web('CVE-2025-0001', 'Critical', 9.8), web('CVE-2025-0002')], '2025-01-04');

    const after = await finding('web01|CVE-2025-0001');
    expect(after).toMatchObject({ severity: 4, vpr_score: 9.8, lifecycle: 'active', reopened_count: 1, last_seen: '2025-01-04' });
    for (const field of ['status', 'false_positive_reason', 'assigned_to', 'custom_tags', 'priority', 'due_date', 'last_modified_by', 'last_modified_at'] as const) {
      expect(after[field], field).toEqual(before[field]);
    }
    expect((await history(id)).every((h) => h.source === 'user')).toBe(true);
    expect(await conflicts()).toEqual([]);
  });

  it('a Remediated finding the next scan still sees is a remediation conflict and is reopened for the analyst', async () => {
    await importRows([web('CVE-2025-0001'), web('CVE-2025-0002'), web('CVE-2025-0003')], '2025-01-01');
    const assigned = await idOf('web01|CVE-2025-0001');
    const unassigned = await idOf('web01|CVE-2025-0002');
    const fixedLater = await idOf('web01|CVE-2025-0003');
    await workflow.update(assigned, { assigned_to: 'bob', status: 'Remediated', remediation_date: '2025-01-01' }, 'bob');
    await workflow.update(unassigned, { status: 'Remediated', remediation_date: '2025-01-02' }, 'carol');
    // Remediated after the scan date: a scan from before the fix proves nothing.
    await workflow.update(fixedLater, { status: 'Remediated', remediation_date: '2025-01-05' }, 'carol');

    const summary = await importRows([web('CVE-2025-0001'), web('CVE-2025-0002'), web('CVE-2025-0003')], '2025-01-02');
    expect(summary.unchanged).toBe(3);

    expect(await finding('web01|CVE-2025-0001')).toMatchObject({ status: 'Assigned', assigned_to: 'bob', remediation_date: null, last_modified_by: 'system' });
    expect(await finding('web01|CVE-2025-0002')).toMatchObject({ status: 'New', remediation_date: null });
    expect(await finding('web01|CVE-2025-0003')).toMatchObject({ status: 'Remediated', remediation_date: '2025-01-05' });

    const recorded = await conflicts();
    expect(recorded.map((c) => Number(c.finding_id)).sort()).toEqual([assigned, unassigned].sort());
    const first = recorded.find((c) => Number(c.finding_id) === assigned)!;
    expect(first).toMatchObject({
      conflict_type: 'Remediation Date Conflict',
      sync_action: 'Merge with Conflicts',
      resolution_strategy: 'Tenable Wins',
      import_id: summary.importId,
      resolved_at: null,
    });
    expect(JSON.parse(first.details)).toMatchObject({ previous_status: 'Remediated', remediation_date: '2025-01-01', reopened_status: 'Assigned', scan_date: '2025-01-02', remediated_by: 'bob' });
    expect((await history(assigned)).filter((h) => h.source !== 'user')).toEqual([
      { source: 'import', changed_by: 'system', field: 'status', old_value: 'Remediated', new_value: 'Assigned' },
      { source: 'import', changed_by: 'system', field: 'remediation_date', old_value: '2025-01-01', new_value: null },
    ]);

    const unresolved = await workflow.listConflicts({ resolved: false, limit: 10, offset: 0 });
    expect(unresolved.total).toBe(2);
    expect(unresolved.items[0]!.finding).toMatchObject({ host_key: 'web01', plugin_id: '2001' });
  });

  it('an In Progress finding the scanner stops seeing becomes Remediated on the scan date, recorded', async () => {
    await importRows([web('CVE-2025-0001'), web('CVE-2025-0002'), web('CVE-2025-0003')], '2025-01-01');
    const inProgress = await idOf('web01|CVE-2025-0001');
    const assignedOnly = await idOf('web01|CVE-2025-0002');
    await workflow.update(inProgress, { status: 'In Progress', assigned_to: 'dave' }, 'dave');
    await workflow.update(assignedOnly, { assigned_to: 'dave' }, 'dave');

    await importRows([web('CVE-2025-0003')], '2025-01-09');

    expect(await finding('web01|CVE-2025-0001')).toMatchObject({ lifecycle: 'resolved', resolved_on: '2025-01-09', status: 'Remediated', remediation_date: '2025-01-09' });
    expect(await finding('web01|CVE-2025-0002')).toMatchObject({ lifecycle: 'resolved', status: 'Assigned', remediation_date: null });
    expect((await history(inProgress)).filter((h) => h.source !== 'user')).toEqual([
      { source: 'import', changed_by: 'system', field: 'status', old_value: 'In Progress', new_value: 'Remediated' },
      { source: 'import', changed_by: 'system', field: 'remediation_date', old_value: null, new_value: '2025-01-09' },
    ]);

    // The next scan sees it again: now that is a remediation conflict.
    await importRows([web('CVE-2025-0001'), web('CVE-2025-0003')], '2025-01-10');
    expect(await finding('web01|CVE-2025-0001')).toMatchObject({ lifecycle: 'active', status: 'Assigned', remediation_date: null });
    expect((await conflicts()).map((c) => Number(c.finding_id))).toEqual([inProgress]);
  });

  it('Tenable syncs: FIXED remediates an In Progress finding, OPEN on a Remediated one is a conflict; history says sync', async () => {
    await syncRecords([{ cves: ['CVE-2025-0101'], state: 'OPEN' }, { cves: ['CVE-2025-0102'], state: 'OPEN' }], '2025-02-01');
    const fixing = await idOf('web01|CVE-2025-0101');
    const claimed = await idOf('web01|CVE-2025-0102');
    await workflow.update(fixing, { status: 'In Progress' }, 'erin');
    await workflow.update(claimed, { status: 'Remediated', remediation_date: '2025-02-01' }, 'erin');

    await syncRecords([{ cves: ['CVE-2025-0101'], state: 'FIXED' }, { cves: ['CVE-2025-0102'], state: 'REOPENED' }], '2025-02-03');

    expect(await finding('web01|CVE-2025-0101')).toMatchObject({ lifecycle: 'resolved', status: 'Remediated', remediation_date: '2025-02-03' });
    expect(await finding('web01|CVE-2025-0102')).toMatchObject({ lifecycle: 'active', status: 'New', scanner_state: 'REOPENED' });
    const systemRows = [...(await history(fixing)), ...(await history(claimed))].filter((h) => h.source !== 'user');
    expect(systemRows.length).toBe(4);
    expect(systemRows.every((h) => h.source === 'sync' && h.changed_by === 'system')).toBe(true);
    expect(JSON.parse((await conflicts())[0]!.details)).toMatchObject({ scanner_state: 'REOPENED' });
  });

  it('new findings get due dates from the SLA policy; user due dates are kept; a policy change recomputes the rest', async () => {
    await importRows(
      [web('CVE-2025-0001', 'Critical'), web('CVE-2025-0002', 'Medium'), { hostname: 'web01', severity: 'Info', pluginId: '19506' }],
      '2025-03-01',
    );
    expect(await finding('web01|CVE-2025-0001')).toMatchObject({ due_date: '2025-03-16', sla_breach_date: '2025-03-17', due_date_source: 'sla' });
    expect(await finding('web01|CVE-2025-0002')).toMatchObject({ due_date: '2025-05-30', sla_breach_date: '2025-05-31', due_date_source: 'sla' });
    const info = await tdb.handle.db.selectFrom('findings').selectAll().where('plugin_id', '=', '19506').executeTakeFirstOrThrow();
    expect(info).toMatchObject({ due_date: null, sla_breach_date: null, due_date_source: 'sla' });

    const medium = await idOf('web01|CVE-2025-0002');
    await workflow.update(medium, { due_date: '2025-04-01' }, 'frank');

    const changed = await workflow.setSlaPolicy({ Critical: 7, High: 14, Medium: 30, Low: 60, Info: 365 }, 'admin');
    expect(changed.recomputed).toBe(2);
    expect(await finding('web01|CVE-2025-0001')).toMatchObject({ due_date: '2025-03-08', sla_breach_date: '2025-03-09' });
    expect(await finding('web01|CVE-2025-0002')).toMatchObject({ due_date: '2025-04-01', sla_breach_date: '2025-04-02', due_date_source: 'user' });
    expect(await tdb.handle.db.selectFrom('findings').select('due_date').where('plugin_id', '=', '19506').executeTakeFirstOrThrow()).toEqual({ due_date: '2026-03-01' });

    // New findings of later imports follow the new policy; clearing a user date returns to it.
    await importRows([web('CVE-2025-0001', 'Critical'), web('CVE-2025-0002', 'Medium'), web('CVE-2025-0003', 'High')], '2025-03-05');
    expect(await finding('web01|CVE-2025-0003')).toMatchObject({ due_date: '2025-03-19', due_date_source: 'sla' });
    expect(await finding('web01|CVE-2025-0002')).toMatchObject({ due_date: '2025-04-01', due_date_source: 'user' });
    const cleared = await workflow.update(medium, { due_date: null }, 'frank');
    expect(cleared.workflow).toMatchObject({ due_date: '2025-03-31', sla_breach_date: '2025-04-01', due_date_source: 'sla' });
    expect((await workflow.slaPolicy()).policy).toEqual({ Critical: 7, High: 14, Medium: 30, Low: 60, Info: 365 });
  });

  it('an accepted risk whose expiry passed returns to its previous open status, by sweep and at import', async () => {
    await importRows([web('CVE-2025-0001'), web('CVE-2025-0002'), web('CVE-2025-0003')], '2025-04-01');
    const wasInProgress = await idOf('web01|CVE-2025-0001');
    const wasFalsePositive = await idOf('web01|CVE-2025-0002');
    const atImport = await idOf('web01|CVE-2025-0003');
    await workflow.update(wasInProgress, { status: 'In Progress', assigned_to: 'gina' }, 'gina');
    await workflow.update(wasInProgress, { status: 'Accepted Risk', accepted_risk_reason: 'vendor patch due', accepted_risk_expires: '2099-06-30' }, 'gina');
    await workflow.update(wasFalsePositive, { status: 'False Positive', false_positive_reason: 'not exposed' }, 'gina');
    await workflow.update(wasFalsePositive, { status: 'Accepted Risk', accepted_risk_reason: 'accepted instead', accepted_risk_expires: '2099-01-31' }, 'gina');

    expect(await workflow.expireAcceptedRisks('2099-01-31')).toBe(0);
    expect(await workflow.expireAcceptedRisks('2099-02-01')).toBe(1);
    expect(await finding('web01|CVE-2025-0002')).toMatchObject({ status: 'New', accepted_risk_expires: null, accepted_risk_reason: 'accepted instead' });
    expect(await workflow.expireAcceptedRisks('2099-07-01')).toBe(1);
    expect(await finding('web01|CVE-2025-0001')).toMatchObject({ status: 'In Progress', assigned_to: 'gina', status_before_acceptance: null, last_modified_by: 'system' });
    expect((await history(wasInProgress)).slice(-2)).toEqual([
      { source: 'system', changed_by: 'system', field: 'status', old_value: 'Accepted Risk', new_value: 'In Progress' },
      { source: 'system', changed_by: 'system', field: 'accepted_risk_expires', old_value: '2099-06-30', new_value: null },
    ]);

    // Time passes (the expiry date is in the past by the next import): the import ends it too.
    await workflow.update(atImport, { assigned_to: 'hal' }, 'hal');
    await workflow.update(atImport, { status: 'Accepted Risk', accepted_risk_reason: 'short-lived', accepted_risk_expires: '2099-01-01' }, 'hal');
    await tdb.handle.db.updateTable('findings').set({ accepted_risk_expires: '2000-01-01' }).where('id', '=', atImport).execute();
    await importRows([web('CVE-2025-0001'), web('CVE-2025-0002'), web('CVE-2025-0003')], '2025-04-02');
    expect(await finding('web01|CVE-2025-0003')).toMatchObject({ status: 'Assigned', accepted_risk_expires: null });
    expect((await history(atImport)).at(-2)).toMatchObject({ source: 'system', field: 'status', old_value: 'Accepted Risk', new_value: 'Assigned' });
  });

  it('the server sweep ends expired acceptances when it starts', async () => {
    await importRows([web('CVE-2025-0001')], '2025-04-01');
    const id = await idOf('web01|CVE-2025-0001');
    await workflow.update(id, { status: 'Accepted Risk', accepted_risk_reason: 'until the upgrade', accepted_risk_expires: '2099-01-01' }, 'hal');
    await tdb.handle.db.updateTable('findings').set({ accepted_risk_expires: '2000-01-01' }).where('id', '=', id).execute();
    const { sqlitePath, databaseUrl, pgSchema } = tdb.options;
    const config = loadConfig({}, { port: 0, dataDir: dir, sqlitePath, databaseUrl, logLevel: 'silent' });
    const app = await openApplication(config, silentLogger(), { periodicSweeps: true, ...(pgSchema ? { pgSchema } : {}) });
    await app.close();
    expect(await finding('web01|CVE-2025-0001')).toMatchObject({ status: 'New', accepted_risk_expires: null, last_modified_by: 'system' });
  });

  it('bulk update: same rules, one history row per changed field, each finding all or nothing', async () => {
    await importRows([web('CVE-2025-0001'), web('CVE-2025-0002'), web('CVE-2025-0003'), web('CVE-2025-0004')], '2025-05-01');
    const ids = await Promise.all(['0001', '0002', '0003', '0004'].map((n) => idOf(`web01|CVE-2025-${n}`)));
    const [a, b, c, fp] = ids as [number, number, number, number];
    await workflow.update(fp, { status: 'False Positive', false_positive_reason: 'lab host' }, 'ivy');
    await workflow.update(c, { assigned_to: 'jo' }, 'jo');

    const result = await workflow.bulkUpdate([a, b, c, fp, 999_999], { assigned_to: 'jo', false_positive_reason: null }, 'ivy');
    expect(result.updated).toBe(2);
    expect(result.unchanged).toBe(1);
    expect(result.failed).toEqual([
      { id: fp, code: 'validation_error', error: expect.stringContaining('false_positive_reason') },
      { id: 999_999, code: 'not_found', error: 'finding 999999 does not exist' },
    ]);
    for (const id of [a, b]) {
      expect(await history(id)).toEqual([
        { source: 'user', changed_by: 'ivy', field: 'status', old_value: 'New', new_value: 'Assigned' },
        { source: 'user', changed_by: 'ivy', field: 'assigned_to', old_value: null, new_value: 'jo' },
      ]);
    }
    // The refused finding kept everything, including the assignment the patch also asked for.
    expect(await finding('web01|CVE-2025-0004')).toMatchObject({ status: 'False Positive', false_positive_reason: 'lab host', assigned_to: null });
    expect((await history(fp)).length).toBe(2);

    await expect(workflow.bulkUpdate([a], { severity: 1 }, 'ivy')).rejects.toThrow(/scanner-owned field\(s\) cannot be changed: severity/);
  });

  it('refuses an update when the finding changed since the client read it', async () => {
    await importRows([web('CVE-2025-0001')], '2025-06-01');
    const id = await idOf('web01|CVE-2025-0001');
    const first = await workflow.update(id, { priority: 'P1 - Critical' }, 'kim');
    const second = await workflow.update(id, { remediation_notes: 'patched in CHG-1', expected_updated_at: first.updated_at }, 'kim');
    expect(second.changes).toEqual([{ field: 'remediation_notes', old_value: '', new_value: 'patched in CHG-1' }]);
    await expect(workflow.update(id, { priority: 'P2 - High', expected_updated_at: first.updated_at }, 'lee')).rejects.toMatchObject({ code: 'conflict' });
    await expect(workflow.update(123_456, { priority: 'P2 - High' }, 'lee')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('history is append-only in the database itself', async () => {
    await importRows([web('CVE-2025-0001')], '2025-06-01');
    const id = await idOf('web01|CVE-2025-0001');
    await workflow.update(id, { priority: 'P1 - Critical' }, 'kim');
    await expect(tdb.handle.db.updateTable('finding_history').set({ new_value: 'P4 - Low' }).execute()).rejects.toThrow(/append-only/);
    await expect(tdb.handle.db.deleteFrom('finding_history').execute()).rejects.toThrow(/append-only/);
  });
});
