/**
 * The workflow over HTTP on a real server: PATCH (both path families), bulk update, history,
 * conflicts list/resolve, the SLA policy, with the one error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkUpdateResult, ConflictItem, HistoryItem, SlaPolicyView, UpdateResult } from '../../src/services/workflow.service.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { type SimpleRow, tempDir, writeSimpleCsv } from '../helpers/scan-files.ts';
import { DIALECTS } from '../helpers/test-db.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: { fields?: string[] } & Record<string, unknown> };
}

const row = (host: string, cve: string, severity = 'High'): SimpleRow => ({ hostname: host, ip: '10.0.1.1', severity, vpr: 6.5, pluginId: '3001', cve });

describe.each(DIALECTS)('workflow HTTP API on %s', (dialect) => {
  let t: TestServer;
  let dir: string;
  const ids = new Map<string, number>();

  const importRows = (name: string, rows: SimpleRow[], scanDate: string) =>
    t.hex.imports.importFile({ filePath: writeSimpleCsv(dir, name, rows), scanDate });

  beforeAll(async () => {
    t = await startTestServer(dialect);
    dir = tempDir();
    await importRows('day1.csv', [row('app01', 'CVE-2025-1001', 'Critical'), row('app01', 'CVE-2025-1002'), row('app02', 'CVE-2025-1003'), row('app02', 'CVE-2025-1004')], '2025-01-01');
    for (const f of await t.hex.database.db.selectFrom('findings').select(['id', 'unique_key']).execute()) ids.set(f.unique_key, Number(f.id));
  });
  afterAll(async () => {
    await t.close();
  });

  const id = (key: string) => ids.get(key)!;

  it('PATCH updates user-owned fields and returns the workflow state and what changed', async () => {
    const res = await t.api<UpdateResult>('PATCH', `/api/vulnerabilities/${id('app01|CVE-2025-1001')}`, {
      as: 'analyst',
      body: { assigned_to: 'alice', assigned_team: 'web', priority: 'P1 - Critical', custom_tags: ['pci'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.changes.map((c) => c.field)).toEqual(['status', 'assigned_to', 'assigned_team', 'priority', 'custom_tags']);
    expect(res.body.workflow).toMatchObject({
      status: 'Assigned',
      assigned_to: 'alice',
      priority: 'P1 - Critical',
      custom_tags: ['pci'],
      due_date: '2025-01-16',
      due_date_source: 'sla',
      sla_breach_date: '2025-01-17',
      last_modified_by: 'test-analyst',
    });
    expect(typeof res.body.updated_at).toBe('string');
  });

  it('the same endpoints answer under /api/tenable/vulnerabilities', async () => {
    const res = await t.api<UpdateResult>('PATCH', `/api/tenable/vulnerabilities/${id('app01|CVE-2025-1002')}`, { as: 'analyst', body: { status: 'In Progress' } });
    expect(res.status).toBe(200);
    expect(res.body.workflow.status).toBe('In Progress');
    const bulk = await t.api<BulkUpdateResult>('POST', '/api/tenable/vulnerabilities/bulk-update', {
      as: 'analyst',
      body: { ids: [id('app01|CVE-2025-1002')], patch: { remediation_notes: 'CHG-7' } },
    });
    expect(bulk.body).toEqual({ updated: 1, unchanged: 0, failed: [] });
  });

  it('refuses scanner-owned and unknown fields with 400 naming them, and changes nothing', async () => {
    const target = id('app02|CVE-2025-1003');
    const scanner = await t.api<ErrorBody>('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { status: 'Assigned', severity: 1, cvss3_base_score: 2 } });
    expect(scanner.status).toBe(400);
    expect(scanner.body.error.code).toBe('validation_error');
    expect(scanner.body.error.message).toContain('scanner-owned field(s) cannot be changed: severity, cvss3_base_score');
    expect(scanner.body.error.details?.fields).toEqual(['severity', 'cvss3_base_score']);

    const unknown = await t.api<ErrorBody>('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { owner: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('not a workflow field: owner');

    const badValue = await t.api<ErrorBody>('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { status: 'Closed' } });
    expect(badValue.status).toBe(400);
    expect(JSON.stringify(badValue.body.error.details)).toContain('status');

    const history = await t.api<{ items: HistoryItem[]; total: number }>('GET', `/api/vulnerabilities/${target}/history`, { as: 'viewer' });
    expect(history.body).toEqual({ items: [], total: 0 });
  });

  it('False Positive and Accepted Risk need a reason; 404 for a missing finding', async () => {
    const target = id('app02|CVE-2025-1003');
    const noReason = await t.api<ErrorBody>('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { status: 'False Positive' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details?.fields).toEqual(['false_positive_reason']);
    const noRiskReason = await t.api<ErrorBody>('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { status: 'Accepted Risk', accepted_risk_expires: '2099-01-01' } });
    expect(noRiskReason.body.error.details?.fields).toEqual(['accepted_risk_reason']);
    const pastExpiry = await t.api<ErrorBody>('PATCH', `/api/vulnerabilities/${target}`, {
      as: 'analyst',
      body: { status: 'Accepted Risk', accepted_risk_reason: 'legacy', accepted_risk_expires: '2001-01-01' },
    });
    expect(pastExpiry.body.error.message).toContain('accepted_risk_expires must be in the future');

    const fp = await t.api<UpdateResult>('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { status: 'False Positive', false_positive_reason: 'not reachable' } });
    expect(fp.status).toBe(200);

    const missing = await t.api<ErrorBody>('PATCH', '/api/vulnerabilities/987654', { as: 'analyst', body: { priority: 'P2 - High' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect((await t.api('GET', '/api/vulnerabilities/987654/history', { as: 'viewer' })).status).toBe(404);
  });

  it('409 when expected_updated_at is stale', async () => {
    const target = id('app02|CVE-2025-1004');
    const first = await t.api<UpdateResult>('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { priority: 'P2 - High' } });
    await t.api('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { priority: 'P4 - Low', expected_updated_at: first.body.updated_at } });
    const stale = await t.api<ErrorBody>('PATCH', `/api/vulnerabilities/${target}`, { as: 'analyst', body: { priority: 'P1 - Critical', expected_updated_at: first.body.updated_at } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
  });

  it('bulk update: one history entry per finding and field, failures listed per finding', async () => {
    const targets = [id('app01|CVE-2025-1001'), id('app02|CVE-2025-1004'), 424242];
    const res = await t.api<BulkUpdateResult>('POST', '/api/vulnerabilities/bulk-update', { as: 'analyst', body: { ids: targets, patch: { assigned_team: 'platform' } } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ updated: 2, unchanged: 0, failed: [{ id: 424242, code: 'not_found', error: 'finding 424242 does not exist' }] });
    for (const target of targets.slice(0, 2)) {
      const history = await t.api<{ items: HistoryItem[] }>('GET', `/api/vulnerabilities/${target}/history`, { as: 'viewer' });
      expect(history.body.items.filter((h) => h.field === 'assigned_team' && h.new_value === 'platform')).toHaveLength(1);
    }
    const invalid = await t.api<ErrorBody>('POST', '/api/vulnerabilities/bulk-update', { as: 'analyst', body: { ids: [targets[0]], patch: { plugin_id: '1' } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details?.fields).toEqual(['plugin_id']);
    const empty = await t.api<ErrorBody>('POST', '/api/vulnerabilities/bulk-update', { as: 'analyst', body: { ids: [], patch: { priority: 'P1 - Critical' } } });
    expect(empty.status).toBe(400);
  });

  it('history lists who changed what, old to new, oldest first', async () => {
    const res = await t.api<{ items: HistoryItem[]; total: number }>('GET', `/api/vulnerabilities/${id('app01|CVE-2025-1001')}/history?limit=3`, { as: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(6);
    expect(res.body.items.map(({ field, old_value, new_value, source }) => ({ field, old_value, new_value, source }))).toEqual([
      { field: 'status', old_value: 'New', new_value: 'Assigned', source: 'user' },
      { field: 'assigned_to', old_value: null, new_value: 'alice', source: 'user' },
      { field: 'assigned_team', old_value: null, new_value: 'web', source: 'user' },
    ]);
    // The finding's detail carries the same history.
    const detail = await t.api<{ history: HistoryItem[]; history_total: number }>('GET', `/api/vulnerabilities/${id('app01|CVE-2025-1001')}`, { as: 'viewer' });
    expect(detail.body.history_total).toBe(6);
    expect(detail.body.history.slice(0, 3).map((h) => h.field)).toEqual(['status', 'assigned_to', 'assigned_team']);
    expect(detail.body.history[0]?.changed_by).toBe('test-analyst');
  });

  it('a FP survives the next import; a Remediated finding still seen shows up as a conflict to resolve', async () => {
    const remediated = id('app01|CVE-2025-1001');
    await t.api('PATCH', `/api/vulnerabilities/${remediated}`, { as: 'analyst', body: { status: 'Remediated', remediation_date: '2025-01-01' } });
    await importRows('day2.csv', [row('app01', 'CVE-2025-1001', 'Critical'), row('app01', 'CVE-2025-1002'), row('app02', 'CVE-2025-1003'), row('app02', 'CVE-2025-1004')], '2025-01-02');

    const fp = await t.hex.database.db.selectFrom('findings').select(['status', 'false_positive_reason']).where('id', '=', id('app02|CVE-2025-1003')).executeTakeFirstOrThrow();
    expect(fp).toEqual({ status: 'False Positive', false_positive_reason: 'not reachable' });

    const open = await t.api<{ items: ConflictItem[]; total: number }>('GET', '/api/conflicts?resolved=false', { as: 'viewer' });
    expect(open.status).toBe(200);
    expect(open.body.total).toBe(1);
    const conflict = open.body.items[0]!;
    expect(conflict).toMatchObject({
      finding_id: remediated,
      conflict_type: 'Remediation Date Conflict',
      sync_action: 'Merge with Conflicts',
      resolution_strategy: 'Tenable Wins',
      resolved_at: null,
      details: { previous_status: 'Remediated', reopened_status: 'Assigned', remediation_date: '2025-01-01', scan_date: '2025-01-02' },
      finding: { host_key: 'app01', cve: 'CVE-2025-1001', status: 'Assigned', severity: 4 },
    });

    const bad = await t.api<ErrorBody>('POST', `/api/conflicts/${conflict.id}/resolve`, { as: 'analyst', body: { resolution: 'Ignore' } });
    expect(bad.status).toBe(400);
    const resolved = await t.api<{ resolution: string; changes: { field: string; new_value: string | null }[] }>('POST', `/api/conflicts/${conflict.id}/resolve`, {
      as: 'analyst',
      body: { resolution: 'HexTrackr Wins', note: 'fixed by config; plugin false alarm' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'status', new_value: 'Remediated' }),
        expect.objectContaining({ field: 'remediation_date', new_value: '2025-01-01' }),
      ]),
    );
    const again = await t.api<ErrorBody>('POST', `/api/conflicts/${conflict.id}/resolve`, { as: 'analyst', body: { resolution: 'Tenable Wins' } });
    expect(again.status).toBe(409);
    expect((await t.api<{ total: number }>('GET', '/api/conflicts?resolved=false', { as: 'viewer' })).body.total).toBe(0);
    const all = await t.api<{ items: ConflictItem[] }>('GET', '/api/conflicts', { as: 'viewer' });
    expect(all.body.items[0]).toMatchObject({ resolution: 'HexTrackr Wins', resolution_note: 'fixed by config; plugin false alarm', resolved_by: 'test-analyst' });
    expect((await t.api('POST', '/api/conflicts/99999/resolve', { as: 'analyst', body: { resolution: 'Tenable Wins' } })).status).toBe(404);
  });

  it('SLA policy: read by viewers, replaced by admins, due dates recomputed', async () => {
    const initial = await t.api<SlaPolicyView>('GET', '/api/settings/sla', { as: 'viewer' });
    expect(initial.body).toEqual({ policy: { Critical: 15, High: 30, Medium: 90, Low: 180, Info: null }, updated_at: null, updated_by: null });

    const invalid = await t.api<ErrorBody>('PUT', '/api/settings/sla', { as: 'admin', body: { Critical: -1, High: 30, Medium: 90, Low: 180, Info: null } });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.error.details)).toContain('Critical');

    const put = await t.api<SlaPolicyView & { recomputed: number }>('PUT', '/api/settings/sla', { as: 'admin', body: { Critical: 10, High: 20, Medium: 60, Low: 120, Info: null } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ policy: { Critical: 10, High: 20 }, updated_by: 'test-admin', recomputed: 4 });
    const high = await t.hex.database.db.selectFrom('findings').select(['due_date', 'sla_breach_date']).where('id', '=', id('app01|CVE-2025-1002')).executeTakeFirstOrThrow();
    expect(high).toEqual({ due_date: '2025-01-21', sla_breach_date: '2025-01-22' });
    expect((await t.api<SlaPolicyView>('GET', '/api/settings/sla', { as: 'viewer' })).body.policy.Medium).toBe(60);
  });

  it('documents the workflow routes in the OpenAPI document', async () => {
    const doc = await t.api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json', { as: 'anonymous' });
    expect(doc.status).toBe(200);
    for (const path of ['/api/vulnerabilities/{id}', '/api/tenable/vulnerabilities/{id}', '/api/vulnerabilities/bulk-update', '/api/conflicts/{id}/resolve', '/api/settings/sla']) {
      expect(doc.body.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.body.paths['/api/settings/sla']!).sort()).toEqual(['get', 'put']);
  });
});
