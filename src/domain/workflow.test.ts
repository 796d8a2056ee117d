import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA_POLICY } from '../shared/workflow.ts';
import { DomainError } from './errors.ts';
import { parseWorkflowPatch, planWorkflowUpdate, type WorkflowPatch, type WorkflowState } from './workflow.ts';
import { addDays, parseSlaPolicy, policyDueDates, storedSlaPolicy } from './workflow-sla.ts';

const TODAY = '2026-03-10';

function state(overrides: Partial<WorkflowState> = {}): WorkflowState {
  return {
    status: 'New',
    assigned_to: null,
    assigned_team: null,
    priority: 'P3 - Medium',
    due_date: '2026-01-31',
    remediation_date: null,
    false_positive_reason: null,
    accepted_risk_reason: null,
    accepted_risk_expires: null,
    business_justification: null,
    remediation_notes: '',
    custom_tags: [],
    sla_breach_date: '2026-02-01',
    due_date_source: 'sla',
    status_before_acceptance: null,
    ...overrides,
  };
}

const facts = { severity: 4 as const, first_seen: '2026-01-16' };
const context = { today: TODAY, policy: { ...DEFAULT_SLA_POLICY } };

function plan(patch: unknown, current = state()) {
  return planWorkflowUpdate(current, facts, parseWorkflowPatch(patch).patch, context);
}

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('parseWorkflowPatch', () => {
  it('refuses scanner-owned fields by name', () => {
    const error = refusal(() => parseWorkflowPatch({ status: 'Assigned', severity: 4, vpr_score: 1 }));
    expect(error.code).toBe('validation_error');
    expect(error.message).toContain('scanner-owned field(s) cannot be changed: severity, vpr_score');
    expect(error.details?.fields).toEqual(['severity', 'vpr_score']);
  });

  it('refuses unknown and system-managed fields by name, listing the allowed ones', () => {
    const error = refusal(() => parseWorkflowPatch({ colour: 'red', sla_breach_date: '2026-01-01' }));
    expect(error.message).toContain('not a workflow field: colour, sla_breach_date');
    expect(error.message).toContain('allowed: status, assigned_to');
  });

  it('validates values and names the field at fault', () => {
    expect(refusal(() => parseWorkflowPatch({ status: 'Done' })).details?.fields).toEqual(['status']);
    expect(refusal(() => parseWorkflowPatch({ priority: 'P0' })).details?.fields).toEqual(['priority']);
    expect(refusal(() => parseWorkflowPatch({ due_date: '2026-02-30' })).details?.fields).toEqual(['due_date']);
    expect(refusal(() => parseWorkflowPatch({ custom_tags: ['ok', ''] })).details?.fields).toEqual(['custom_tags.1']);
    expect(refusal(() => parseWorkflowPatch({})).message).toContain('names no field');
    expect(refusal(() => parseWorkflowPatch(['status'])).code).toBe('validation_error');
  });

  it('turns blank text into null and keeps the concurrency token apart', () => {
    const { patch, expectedUpdatedAt } = parseWorkflowPatch({ assigned_to: '  ', remediation_notes: ' keep ', expected_updated_at: 'T1' });
    expect(patch).toEqual({ assigned_to: null, remediation_notes: ' keep ' });
    expect(expectedUpdatedAt).toBe('T1');
  });
});

describe('planWorkflowUpdate', () => {
  it('assigning someone to a New finding makes it Assigned, unless a status is given', () => {
    expect(plan({ assigned_to: 'alice' }).next.status).toBe('Assigned');
    expect(plan({ assigned_to: 'alice', status: 'In Progress' }).next.status).toBe('In Progress');
    expect(plan({ assigned_to: 'alice' }, state({ status: 'Retest Requested' })).next.status).toBe('Retest Requested');
  });

  it('lists one change per user-owned field that changes, old to new', () => {
    const result = plan({ assigned_to: 'alice', priority: 'P1 - Critical', custom_tags: ['pci', 'pci', 'web'] });
    expect(result.changes).toEqual([
      { field: 'status', old_value: 'New', new_value: 'Assigned' },
      { field: 'assigned_to', old_value: null, new_value: 'alice' },
      { field: 'priority', old_value: 'P3 - Medium', new_value: 'P1 - Critical' },
      { field: 'custom_tags', old_value: '[]', new_value: '["pci","web"]' },
    ]);
    expect(plan({ priority: 'P3 - Medium' }).changes).toEqual([]);
  });

  it('needs a reason for False Positive and for Accepted Risk', () => {
    expect(refusal(() => plan({ status: 'False Positive' })).details?.fields).toEqual(['false_positive_reason']);
    expect(refusal(() => plan({ status: 'False Positive', false_positive_reason: '  ' })).details?.fields).toEqual(['false_positive_reason']);
    expect(refusal(() => plan({ status: 'Accepted Risk' })).details?.fields).toEqual(['accepted_risk_reason']);
    const fp = state({ status: 'False Positive', false_positive_reason: 'scanner bug' });
    expect(refusal(() => plan({ false_positive_reason: null }, fp)).message).toContain('cannot be empty');
    expect(plan({ status: 'False Positive', false_positive_reason: 'WAF blocks it' }).next.false_positive_reason).toBe('WAF blocks it');
  });

  it('accepts a risk with a future expiry and remembers the open status it came from', () => {
    const result = plan(
      { status: 'Accepted Risk', accepted_risk_reason: 'legacy system', accepted_risk_expires: '2026-06-30' },
      state({ status: 'In Progress', assigned_to: 'bob' }),
    );
    expect(result.next).toMatchObject({ status: 'Accepted Risk', accepted_risk_expires: '2026-06-30', status_before_acceptance: 'In Progress' });
    expect(result.columns.status_before_acceptance).toBe('In Progress');
    expect(refusal(() => plan({ status: 'Accepted Risk', accepted_risk_reason: 'x', accepted_risk_expires: TODAY })).message).toContain('must be in the future');
    expect(refusal(() => plan({ accepted_risk_expires: '2027-01-01' })).message).toContain('applies only to an Accepted Risk');
  });

  it('ending an acceptance clears its expiry', () => {
    const accepted = state({ status: 'Accepted Risk', accepted_risk_reason: 'r', accepted_risk_expires: '2026-06-30', status_before_acceptance: 'Assigned' });
    const result = plan({ status: 'In Progress' }, accepted);
    expect(result.next).toMatchObject({ accepted_risk_expires: null, status_before_acceptance: null });
    expect(result.changes.map((c) => c.field)).toEqual(['status', 'accepted_risk_expires']);
  });

  it('Remediated without a date is remediated today; a future remediation date is refused', () => {
    expect(plan({ status: 'Remediated' }).next.remediation_date).toBe(TODAY);
    expect(plan({ status: 'Remediated', remediation_date: '2026-03-01' }).next.remediation_date).toBe('2026-03-01');
    expect(refusal(() => plan({ remediation_date: '2026-03-11' })).details?.fields).toEqual(['remediation_date']);
  });

  it('a user due date wins over the policy; clearing it returns to the policy', () => {
    const user = plan({ due_date: '2026-04-01' });
    expect(user.next).toMatchObject({ due_date: '2026-04-01', due_date_source: 'user', sla_breach_date: '2026-04-02' });
    const back = plan({ due_date: null }, user.next);
    expect(back.next).toMatchObject({ due_date: '2026-01-31', due_date_source: 'sla', sla_breach_date: '2026-02-01' });
  });
});

describe('SLA policy', () => {
  it('counts days from first seen per severity; Info has none by default', () => {
    expect(policyDueDates(DEFAULT_SLA_POLICY, 4, '2026-01-16')).toEqual({ due_date: '2026-01-31', sla_breach_date: '2026-02-01' });
    expect(policyDueDates(DEFAULT_SLA_POLICY, 1, '2024-02-29')).toEqual({ due_date: addDays('2024-02-29', 180), sla_breach_date: addDays('2024-02-29', 181) });
    expect(policyDueDates(DEFAULT_SLA_POLICY, 0, '2026-01-16')).toEqual({ due_date: null, sla_breach_date: null });
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });

  it('parses a complete policy and names invalid severities', () => {
    expect(parseSlaPolicy({ Critical: 7, High: 14, Medium: 60, Low: 120, Info: null })).toEqual({ Critical: 7, High: 14, Medium: 60, Low: 120, Info: null });
    const error = refusal(() => parseSlaPolicy({ Critical: 0, High: 14, Medium: 60, Low: 1.5 }));
    expect((error.details?.issues as { field: string }[]).map((i) => i.field).sort()).toEqual(['Critical', 'Info', 'Low']);
    expect(storedSlaPolicy({ Critical: 5, High: 'x' })).toEqual({ ...DEFAULT_SLA_POLICY, Critical: 5 });
  });
});

describe('bulk semantics of the same rules', () => {
  it('the same patch can succeed on one finding and be refused on another', () => {
    const patch: WorkflowPatch = { false_positive_reason: null };
    expect(planWorkflowUpdate(state(), facts, patch, context).changes).toEqual([]);
    expect(() => planWorkflowUpdate(state({ status: 'False Positive', false_positive_reason: 'x' }), facts, patch, context)).toThrow(DomainError);
  });
});
