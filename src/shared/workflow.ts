/**
 * The remediation workflow's vocabulary, shared with the browser UI: statuses, priorities,
 * the spec's sync-conflict enums (SyncAction / ConflictType / ResolutionStrategy) and the
 * SLA policy shape. Values are the spec's display strings, stored as is.
 */
import type { SeverityName } from './severity.ts';

export const WORKFLOW_STATUSES = [
  'New',
  'Assigned',
  'In Progress',
  'Remediated',
  'False Positive',
  'Accepted Risk',
  'Retest Requested',
] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** Statuses of a finding still waiting for work (where an expired risk acceptance returns). */
export const OPEN_STATUSES: readonly WorkflowStatus[] = ['New', 'Assigned', 'In Progress', 'Retest Requested'];

export const PRIORITIES = ['P1 - Critical', 'P2 - High', 'P3 - Medium', 'P4 - Low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SYNC_ACTIONS = ['Create New', 'Update Tenable Data', 'Preserve HexTrackr Data', 'Merge with Conflicts', 'Manual Review Required'] as const;
export type SyncAction = (typeof SYNC_ACTIONS)[number];

export const CONFLICT_TYPES = ['Severity Mismatch', 'Status Conflict', 'Assignment Conflict', 'Remediation Date Conflict'] as const;
export type ConflictType = (typeof CONFLICT_TYPES)[number];

export const RESOLUTION_STRATEGIES = ['Tenable Wins', 'HexTrackr Wins', 'Merge Both', 'Manual Intervention'] as const;
export type ResolutionStrategy = (typeof RESOLUTION_STRATEGIES)[number];

/** Who wrote a history row: a person, an import of a file, a Tenable API sync, or a timed rule. */
export const HISTORY_SOURCES = ['user', 'import', 'sync', 'system'] as const;
export type HistorySource = (typeof HISTORY_SOURCES)[number];

/** Days to fix per severity, counted from first_seen; null: no due date for that severity. */
export type SlaPolicy = Record<SeverityName, number | null>;

export const DEFAULT_SLA_POLICY: Readonly<SlaPolicy> = { Critical: 15, High: 30, Medium: 90, Low: 180, Info: null };
