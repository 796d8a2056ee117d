/**
 * The SLA policy: days to fix per severity, counted from the day a finding was first seen.
 * A due date set by a user wins over the policy; the SLA is breached the day after the due date.
 */
import { z } from 'zod';
import { SEVERITY_NAMES, severityName, type SeverityLevel } from '../shared/severity.ts';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../shared/workflow.ts';
import { DomainError } from './errors.ts';

/** Ten years: beyond that a "deadline" is a typo. */
export const MAX_SLA_DAYS = 3650;

const Days = z.number().int().min(1).max(MAX_SLA_DAYS).nullable();

export const SlaPolicySchema = z.strictObject({ Critical: Days, High: Days, Medium: Days, Low: Days, Info: Days });

/** A policy from user input; every severity must be given (null: no due date for it). */
export function parseSlaPolicy(input: unknown): SlaPolicy {
  const parsed = SlaPolicySchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(policy)', message: issue.message }));
    throw new DomainError('validation_error', `SLA policy is not valid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { issues });
  }
  return parsed.data;
}

/** A stored policy, tolerating a partial or older document: missing severities take the defaults. */
export function storedSlaPolicy(stored: unknown): SlaPolicy {
  const policy: SlaPolicy = { ...DEFAULT_SLA_POLICY };
  if (stored && typeof stored === 'object') {
    for (const name of SEVERITY_NAMES) {
      const value = (stored as Record<string, unknown>)[name];
      if (value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_SLA_DAYS)) policy[name] = value;
    }
  }
  return policy;
}

/** `day` (YYYY-MM-DD) plus n calendar days, in UTC. */
export function addDays(day: string, days: number): string {
  const ms = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new DomainError('validation_error', `"${day}" is not a YYYY-MM-DD date`);
  return new Date(ms + days * 86_400_000).toISOString().slice(0, 10);
}

export function slaDays(policy: SlaPolicy, severity: SeverityLevel): number | null {
  return policy[severityName(severity)];
}

export interface SlaDates {
  due_date: string | null;
  sla_breach_date: string | null;
}

/** The policy's due date for a finding first seen on `firstSeen` with this severity. */
export function policyDueDates(policy: SlaPolicy, severity: SeverityLevel, firstSeen: string): SlaDates {
  const days = slaDays(policy, severity);
  if (days === null) return { due_date: null, sla_breach_date: null };
  const due = addDays(firstSeen, days);
  return { due_date: due, sla_breach_date: addDays(due, 1) };
}

/** The SLA is breached from the day after the due date. */
export function breachDateOf(dueDate: string | null): string | null {
  return dueDate === null ? null : addDays(dueDate, 1);
}
