/** The remediation workflow fields, with the rules: a reason for False Positive and Accepted Risk. */
import { type FormEvent, useState } from 'react';
import { ErrorNotice, Field } from './components';

export const STATUSES = ['New', 'Assigned', 'In Progress', 'Remediated', 'False Positive', 'Accepted Risk', 'Retest Requested'] as const;
export const PRIORITIES = ['P1 - Critical', 'P2 - High', 'P3 - Medium', 'P4 - Low'] as const;
/** Dates are cleared with null; text fields with an empty string (the API stores it as empty). */
const DATE_FIELDS = new Set(['due_date', 'accepted_risk_expires']);

export interface WorkflowPatch {
  status?: string;
  assigned_to?: string | null;
  assigned_team?: string | null;
  priority?: string;
  due_date?: string | null;
  false_positive_reason?: string | null;
  accepted_risk_reason?: string | null;
  accepted_risk_expires?: string | null;
  business_justification?: string | null;
  remediation_notes?: string;
}

export type WorkflowValues = Record<keyof WorkflowPatch, string>;

const EMPTY: WorkflowValues = {
  status: '',
  assigned_to: '',
  assigned_team: '',
  priority: '',
  due_date: '',
  false_positive_reason: '',
  accepted_risk_reason: '',
  accepted_risk_expires: '',
  business_justification: '',
  remediation_notes: '',
};

/** A rule violation in plain words, or null. */
export function workflowProblem(values: WorkflowValues): string | null {
  if (values.status === 'False Positive' && !values.false_positive_reason.trim()) return 'Say why this is a false positive: the reason is required.';
  if (values.status === 'Accepted Risk' && !values.accepted_risk_reason.trim()) return 'Say why the risk is accepted: the reason is required.';
  if (values.accepted_risk_expires && values.status === 'Accepted Risk' && values.accepted_risk_expires < new Date().toISOString().slice(0, 10)) {
    return 'The acceptance expiry date is in the past.';
  }
  return null;
}

/**
 * `initial` is the finding's current values (single edit) or empty (bulk edit: only the fields
 * the user fills are sent).
 */
export function WorkflowForm({
  initial,
  bulk,
  disabled,
  submitLabel,
  onSubmit,
}: {
  initial?: Partial<Record<keyof WorkflowPatch, unknown>>;
  bulk?: boolean;
  disabled?: boolean;
  submitLabel: string;
  onSubmit: (patch: WorkflowPatch) => Promise<unknown>;
}) {
  const [values, setValues] = useState<WorkflowValues>(() => {
    const start = { ...EMPTY };
    for (const key of Object.keys(EMPTY) as (keyof WorkflowPatch)[]) {
      const value = initial?.[key];
      if (value !== null && value !== undefined) start[key] = String(value);
    }
    return start;
  });
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = (key: keyof WorkflowPatch) => (event: { target: { value: string } }) => {
    setSaved(false);
    setValues((v) => ({ ...v, [key]: event.target.value }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = workflowProblem(values);
    if (problem) return setError(new Error(problem));
    const patch: WorkflowPatch = {};
    for (const key of Object.keys(EMPTY) as (keyof WorkflowPatch)[]) {
      const value = values[key].trim();
      const before = initial?.[key] === null || initial?.[key] === undefined ? '' : String(initial[key]);
      if (bulk ? value === '' : value === before) continue;
      (patch as Record<string, string | null>)[key] = value === '' && DATE_FIELDS.has(key) ? null : value;
    }
    if (Object.keys(patch).length === 0) return setError(new Error(bulk ? 'Fill in at least one field to change.' : 'Nothing has changed.'));
    setPending(true);
    setError(undefined);
    try {
      await onSubmit(patch);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label={bulk ? 'Bulk workflow edit' : 'Workflow'}>
      <div className="form-grid">
        <Field label="Status">
          <select value={values.status} onChange={set('status')} disabled={disabled}>
            {bulk ? <option value="">(keep)</option> : null}
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Priority">
          <select value={values.priority} onChange={set('priority')} disabled={disabled}>
            <option value="">{bulk ? '(keep)' : '—'}</option>
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </Field>
        <Field label="Assignee">
          <input value={values.assigned_to} onChange={set('assigned_to')} disabled={disabled} placeholder={bulk ? '(keep)' : ''} />
        </Field>
        <Field label="Team">
          <input value={values.assigned_team} onChange={set('assigned_team')} disabled={disabled} placeholder={bulk ? '(keep)' : ''} />
        </Field>
        <Field label="Due date">
          <input type="date" value={values.due_date} onChange={set('due_date')} disabled={disabled} />
        </Field>
      </div>
      {values.status === 'False Positive' ? (
        <Field label="False positive reason" hint="Required.">
          <textarea aria-required="true" value={values.false_positive_reason} onChange={set('false_positive_reason')} disabled={disabled} />
        </Field>
      ) : null}
      {values.status === 'Accepted Risk' ? (
        <>
          <Field label="Accepted risk reason" hint="Required.">
            <textarea aria-required="true" value={values.accepted_risk_reason} onChange={set('accepted_risk_reason')} disabled={disabled} />
          </Field>
          <div className="form-grid">
            <Field label="Acceptance expires" hint="Optional; the finding is reviewed again then.">
              <input type="date" value={values.accepted_risk_expires} onChange={set('accepted_risk_expires')} disabled={disabled} />
            </Field>
          </div>
          <Field label="Business justification">
            <textarea value={values.business_justification} onChange={set('business_justification')} disabled={disabled} />
          </Field>
        </>
      ) : null}
      <Field label="Remediation notes">
        <textarea value={values.remediation_notes} onChange={set('remediation_notes')} disabled={disabled} />
      </Field>
      <ErrorNotice error={error} />
      <div className="row">
        <button type="submit" className="button primary" disabled={disabled || pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        {saved && !pending ? (
          <span role="status" className="muted">
            Saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}
