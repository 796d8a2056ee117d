/** Building blocks every page uses: skeletons, empty states, error notices, progress bars, dialogs. */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { ApiError, describeError } from './api';
import type { Loaded } from './hooks';

export function Skeleton({ width = '100%', height = 16, label }: { width?: number | string; height?: number | string; label?: string }) {
  return <div className="skeleton" style={{ width, height }} aria-hidden={label ? undefined : true} aria-label={label} role={label ? 'status' : undefined} />;
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <p className="empty-title">{title}</p>
      {children ? <p className="muted">{children}</p> : null}
      {action}
    </div>
  );
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  if (error instanceof ApiError && error.missingRoute) {
    // Not a failure the user can fix: that part of the API is not installed on this server.
    return (
      <div className="notice notice-info" role="status">
        <span>{describeError(error)}</span>
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert">
      <span>{describeError(error)}</span>
      {onRetry ? (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'warning' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** A progress bar; without `value` it shows activity of unknown length. */
export function ProgressBar({ value, label, detail }: { value?: number | null; label: string; detail?: ReactNode }) {
  const known = value !== undefined && value !== null && Number.isFinite(value);
  const percent = known ? Math.max(0, Math.min(100, value)) : undefined;
  return (
    <div className="progress">
      <div className="progress-head">
        <span>{label}</span>
        <span className="muted">{known ? `${percent!.toFixed(0)} %` : 'working…'}</span>
      </div>
      <div
        className={`progress-track${known ? '' : ' indeterminate'}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-fill" style={{ width: known ? `${percent}%` : undefined }} />
      </div>
      {detail ? <div className="progress-detail muted">{detail}</div> : null}
    </div>
  );
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={title ? id : undefined}>
      {title || actions ? (
        <header className="card-head">
          {title ? <h2 id={id}>{title}</h2> : <span />}
          {actions ? <div className="card-actions">{actions}</div> : null}
        </header>
      ) : null}
      {children}
    </section>
  );
}

/** A modal dialog on the native <dialog> element (focus trap and Escape come with it). */
export function Dialog({ title, open, onClose, children, wide }: { title: string; open: boolean; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className={`dialog${wide ? ' wide' : ''}`} aria-label={title} onClose={onClose} onCancel={onClose}>
      <header className="dialog-head">
        <h2>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {open ? children : null}
    </dialog>
  );
}

/** A labelled control; the hint stays outside the label so the control's accessible name is the label alone. */
export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="field">
      <label className="field">
        <span className="field-label">{label}</span>
        {children}
      </label>
      {hint ? <span className="field-hint muted">{hint}</span> : null}
    </div>
  );
}

export function SeverityBadge({ severity }: { severity: string }) {
  if (!severity) return <span className="muted">—</span>;
  return <span className={`badge sev-${severity.toLowerCase()}`}>{severity}</span>;
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="muted">—</span>;
  return <span className={`badge status-${status.toLowerCase().replace(/[^a-z]+/g, '-')}`}>{status}</span>;
}

/** Rows of placeholder lines for a table that is loading, at the height the rows will have. */
export function TableSkeleton({ rows = 6, columns = 5 }: { rows?: number; columns?: number }) {
  return (
    <div className="table-skeleton" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, r) => (
        <div key={r} className="table-skeleton-row">
          {Array.from({ length: columns }, (_, c) => (
            <Skeleton key={c} height={14} width={`${60 + ((r * 7 + c * 13) % 35)}%`} />
          ))}
        </div>
      ))}
    </div>
  );
}

/**
 * A `useApi` result as a card shows it: a skeleton until the first answer, `empty` when `isEmpty`
 * says so, otherwise `children(data)`. Errors are left to the card's own ErrorNotice, placed where
 * each card wants it: so a failed first load shows nothing here, and data already shown stays up
 * through a failed reload.
 */
export function LoadedView<T>({
  state,
  skeleton,
  isEmpty,
  empty,
  children,
}: {
  state: Loaded<T>;
  skeleton: { rows: number; columns: number };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (state.data === undefined) return state.error ? null : <TableSkeleton rows={skeleton.rows} columns={skeleton.columns} />;
  if (isEmpty?.(state.data)) return empty;
  return children(state.data);
}
