/**
 * Findings: AG Grid's infinite row model pages through /api/vulnerabilities on the server (sorting and
 * filters go to the API). Filters, sort, visible columns and the open finding live in the URL, so a
 * view is saved by bookmarking it.
 */
import {
  CellStyleModule,
  type ColDef,
  colorSchemeDark,
  colorSchemeLight,
  type GridApi,
  type GridReadyEvent,
  type IDatasource,
  InfiniteRowModelModule,
  ModuleRegistry,
  RowSelectionModule,
  RowStyleModule,
  type SortChangedEvent,
  themeQuartz,
} from 'ag-grid-community';
import { AgGridReact, type CustomCellRendererProps } from 'ag-grid-react';
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, get, query } from '../api';
import { useAuth } from '../auth';
import { Dialog, ErrorNotice, Field, Notice, SeverityBadge, StatusBadge } from '../components';
import { formatCount, formatDecimal, SEVERITIES, severityName } from '../format';
import { navigate, updateParams, useRoute } from '../router';
import { useTheme } from '../theme';
import { STATUSES, type WorkflowPatch, WorkflowForm } from '../workflow';
import { FILTER_PARAMS, filtersOf, PAGE_SIZE, pagePath, takePrefetched } from '../findings-prefetch';
import { FindingDetail } from './finding-detail';

// Only the features this grid uses (AllCommunityModule would double the page's script).
ModuleRegistry.registerModules([InfiniteRowModelModule, RowSelectionModule, RowStyleModule, CellStyleModule]);

export type Finding = Record<string, unknown> & { id: number };

/** The columns the API sorts by. */
const SORTABLE = new Set(['severity', 'vpr_score', 'cvss3_base_score', 'first_seen', 'last_seen', 'hostname', 'plugin_id', 'due_date', 'status', 'id']);

const SeverityCell = (props: CustomCellRendererProps) => <SeverityBadge severity={severityName(props.value)} />;
const StatusCell = (props: CustomCellRendererProps) => (props.data ? <StatusBadge status={props.value as string} /> : null);

const COLUMNS: (ColDef<Finding> & { colId: string; headerName: string; defaultVisible: boolean })[] = [
  { colId: 'severity', field: 'severity', headerName: 'Severity', width: 110, cellRenderer: SeverityCell, defaultVisible: true },
  { colId: 'vpr_score', field: 'vpr_score', headerName: 'VPR', width: 96, valueFormatter: (p) => formatDecimal(p.value as number), type: 'rightAligned', defaultVisible: true },
  { colId: 'hostname', field: 'hostname', headerName: 'Host', width: 170, defaultVisible: true },
  { colId: 'ip_address', field: 'ip_address', headerName: 'IP address', width: 130, defaultVisible: true },
  { colId: 'cve', field: 'cve', headerName: 'CVE', width: 150, defaultVisible: true },
  { colId: 'plugin_id', field: 'plugin_id', headerName: 'Plugin', width: 90, defaultVisible: false },
  { colId: 'plugin_name', field: 'plugin_name', headerName: 'Plugin name', flex: 1, minWidth: 220, defaultVisible: true },
  { colId: 'status', field: 'status', headerName: 'Status', width: 140, cellRenderer: StatusCell, defaultVisible: true },
  { colId: 'assigned_to', field: 'assigned_to', headerName: 'Assignee', width: 130, defaultVisible: true },
  { colId: 'assigned_team', field: 'assigned_team', headerName: 'Team', width: 120, defaultVisible: false },
  { colId: 'priority', field: 'priority', headerName: 'Priority', width: 90, defaultVisible: false },
  { colId: 'due_date', field: 'due_date', headerName: 'Due', width: 110, defaultVisible: true },
  { colId: 'cvss3_base_score', field: 'cvss3_base_score', headerName: 'CVSS v3', width: 90, type: 'rightAligned', defaultVisible: false },
  { colId: 'ports', field: 'ports', headerName: 'Ports', width: 110, defaultVisible: false },
  { colId: 'first_seen', field: 'first_seen', headerName: 'First seen', width: 110, defaultVisible: true },
  { colId: 'last_seen', field: 'last_seen', headerName: 'Last seen', width: 110, defaultVisible: true },
  { colId: 'lifecycle', field: 'lifecycle', headerName: 'Lifecycle', width: 100, defaultVisible: false },
  { colId: 'resolved_on', field: 'resolved_on', headerName: 'Resolved on', width: 110, defaultVisible: false },
  { colId: 'id', field: 'id', headerName: 'ID', width: 90, defaultVisible: false },
];
const DEFAULT_COLUMNS = COLUMNS.filter((c) => c.defaultVisible).map((c) => c.colId);

interface Page {
  items: Finding[];
  total?: number;
  next_cursor?: string | null;
}

export default function FindingsPage() {
  const { params } = useRoute();
  const auth = useAuth();
  const theme = useTheme();
  const filters = filtersOf(params);
  const filterKey = query(filters);
  const sortBy = params.get('sort_by') ?? '';
  const sortOrder = params.get('sort_order') === 'asc' ? 'asc' : 'desc';
  const visible = params.get('cols')?.split(',').filter(Boolean) ?? DEFAULT_COLUMNS;
  const selectedId = params.get('selected');
  const gridApi = useRef<GridApi<Finding> | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [chosen, setChosen] = useState<Finding[]>([]);
  const [bulkOpen, setBulkOpen] = useState(false);
  const [bulkResult, setBulkResult] = useState<string | null>(null);

  const gridTheme = useMemo(() => themeQuartz.withPart(theme === 'dark' ? colorSchemeDark : colorSchemeLight), [theme]);

  const columnDefs = useMemo<ColDef<Finding>[]>(
    () =>
      COLUMNS.map(({ defaultVisible: _default, ...col }) => ({
        ...col,
        hide: !visible.includes(col.colId),
        sortable: SORTABLE.has(col.colId),
        sort: col.colId === sortBy ? sortOrder : null,
      })),
    [visible.join(','), sortBy, sortOrder],
  );

  const datasource = useMemo<IDatasource>(() => {
    // Scrolling forward continues from the previous block's keyset cursor (fast at any depth);
    // a jump elsewhere falls back to offset paging.
    const cursors = new Map<string, string>();
    return {
      getRows(request) {
        const sort = request.sortModel[0];
        const sortKey = sort?.colId ?? (sortBy || undefined);
        const order = sort ? sort.sort : sortBy ? sortOrder : undefined;
        const cursor = cursors.get(`${sortKey}|${order}|${request.startRow}`);
        const path = pagePath(filters, sortKey, order, request.endRow - request.startRow, cursor ? { cursor } : { offset: request.startRow });
        (takePrefetched<Page>(path) ?? get<Page>(path)).then(
          (page) => {
            setLoadError(undefined);
            if (typeof page.total === 'number') setTotal(page.total);
            if (page.next_cursor) cursors.set(`${sortKey}|${order}|${request.endRow}`, page.next_cursor);
            const done = page.items.length < request.endRow - request.startRow;
            const lastRow = typeof page.total === 'number' ? page.total : done ? request.startRow + page.items.length : undefined;
            request.successCallback(page.items, lastRow);
          },
          (error: unknown) => {
            setLoadError(error);
            request.failCallback();
          },
        );
      },
    };
  }, [filterKey]);

  useEffect(() => {
    setTotal(null);
    gridApi.current?.setGridOption('datasource', datasource);
  }, [datasource]);

  const onGridReady = useCallback(
    (event: GridReadyEvent<Finding>) => {
      gridApi.current = event.api;
      event.api.setGridOption('datasource', datasource);
    },
    [datasource],
  );

  const onSortChanged = useCallback((event: SortChangedEvent<Finding>) => {
    const sorted = event.api.getColumnState().find((c) => c.sort);
    updateParams({ sort_by: sorted?.colId ?? null, sort_order: sorted?.sort ?? null }, { replace: true });
  }, []);

  const refresh = () => gridApi.current?.refreshInfiniteCache();

  async function bulkUpdate(patch: WorkflowPatch) {
    const ids = chosen.map((f) => f.id);
    const result = await api<{ updated: number; unchanged?: number; failed: { id: number; error: string }[] }>('POST', '/api/vulnerabilities/bulk-update', { ids, patch });
    const failed = result.failed ?? [];
    setBulkResult(
      `${formatCount(result.updated)} finding${result.updated === 1 ? '' : 's'} updated` +
        (result.unchanged ? `, ${formatCount(result.unchanged)} already so` : '') +
        (failed.length ? `; ${failed.length} not changed: ${failed.slice(0, 3).map((f) => `#${f.id} ${f.error}`).join('; ')}` : '') +
        '.',
    );
    setBulkOpen(false);
    gridApi.current?.deselectAll();
    refresh();
  }

  const exportHref = (format: 'csv' | 'json') => `/api/vulnerabilities/export${query({ format, ...filters })}`;

  return (
    <div className="page">
      <div className="page-head">
        <h1>Findings</h1>
        <div className="row">
          <span className="muted" aria-live="polite" style={{ minWidth: 140, textAlign: 'right' }}>
            {total === null ? '\u00a0' : `${formatCount(total)} finding${total === 1 ? '' : 's'}`}
          </span>
          <ColumnChooser visible={visible} />
          <a className="button" href={exportHref('csv')} download>
            Export CSV
          </a>
          <a className="button" href={exportHref('json')} download>
            Export JSON
          </a>
          {auth.can('analyst') ? (
            <button type="button" className="button primary" disabled={chosen.length === 0} onClick={() => setBulkOpen(true)}>
              Edit {chosen.length > 0 ? `${chosen.length} selected` : 'selected'}
            </button>
          ) : null}
        </div>
      </div>
      <FilterBar params={params} />
      {bulkResult ? <Notice kind="success">{bulkResult}</Notice> : null}
      <ErrorNotice error={loadError} onRetry={refresh} />
      <div className={`findings-layout${selectedId ? ' with-detail' : ''}`}>
        <div className="grid-host card" style={{ padding: 0 }}>
          <AgGridReact<Finding>
            theme={gridTheme}
            rowModelType="infinite"
            cacheBlockSize={PAGE_SIZE}
            maxBlocksInCache={50}
            infiniteInitialRowCount={1}
            columnDefs={columnDefs}
            defaultColDef={{ sortable: true, resizable: true, suppressHeaderMenuButton: true }}
            getRowId={(p) => String(p.data.id)}
            rowSelection={{ mode: 'multiRow', checkboxes: true, headerCheckbox: false, enableClickSelection: false }}
            onSelectionChanged={(e) => setChosen(e.api.getSelectedRows())}
            onGridReady={onGridReady}
            onSortChanged={onSortChanged}
            onRowClicked={(e) => e.data && updateParams({ selected: String(e.data.id) })}
            onCellKeyDown={(e) => {
              const key = (e.event as KeyboardEvent | undefined)?.key;
              if (key === 'Enter' && e.data) updateParams({ selected: String(e.data.id) });
            }}
            overlayNoRowsTemplate={
              Object.keys(filters).length > 0
                ? '<span>No findings match these filters. Clear some filters to see more.</span>'
                : '<span>No findings yet. Import a scan on the Imports page to fill this grid.</span>'
            }
            getRowClass={(p) => (String(p.data?.id) === selectedId ? 'ag-row-selected-detail' : undefined)}
          />
        </div>
        {selectedId ? <FindingDetail id={selectedId} onClose={() => updateParams({ selected: null })} onChanged={refresh} /> : null}
      </div>
      <Dialog title={`Edit ${chosen.length} findings`} open={bulkOpen} onClose={() => setBulkOpen(false)}>
        <p className="muted">Only the fields you fill in are changed.</p>
        <WorkflowForm bulk submitLabel={`Apply to ${chosen.length} findings`} onSubmit={bulkUpdate} />
      </Dialog>
    </div>
  );
}

function FilterBar({ params }: { params: URLSearchParams }) {
  const severities = (params.get('severity') ?? '').split(',').filter(Boolean);
  const [text, setText] = useState({ q: params.get('q') ?? '', cve: params.get('cve') ?? '', assignee: params.get('assignee') ?? '' });
  useEffect(() => {
    setText({ q: params.get('q') ?? '', cve: params.get('cve') ?? '', assignee: params.get('assignee') ?? '' });
  }, [params]);
  const anyFilter = FILTER_PARAMS.some((key) => params.get(key));

  function toggleSeverity(name: string) {
    const next = severities.includes(name) ? severities.filter((s) => s !== name) : [...severities, name];
    updateParams({ severity: next.join(',') || null });
  }

  function applyText(event: FormEvent) {
    event.preventDefault();
    updateParams({ q: text.q.trim() || null, cve: text.cve.trim() || null, assignee: text.assignee.trim() || null });
  }

  return (
    <form className="filters" onSubmit={applyText} aria-label="Filters">
      <div className="field">
        <span className="field-label">Severity</span>
        <div className="segmented" role="group" aria-label="Severity">
          {SEVERITIES.map((s) => (
            <button key={s} type="button" className="button small" aria-pressed={severities.includes(s.toLowerCase())} onClick={() => toggleSeverity(s.toLowerCase())}>
              {s}
            </button>
          ))}
        </div>
      </div>
      <Field label="Status">
        <select value={params.get('status') ?? ''} onChange={(e) => updateParams({ status: e.target.value || null })}>
          <option value="">Any</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </Field>
      <Field label="Lifecycle">
        <select value={params.get('lifecycle') ?? ''} onChange={(e) => updateParams({ lifecycle: e.target.value || null })}>
          <option value="">Open</option>
          <option value="resolved">Resolved</option>
          <option value="all">All</option>
        </select>
      </Field>
      <Field label="Search">
        <input type="search" placeholder="host, IP, plugin…" value={text.q} onChange={(e) => setText({ ...text, q: e.target.value })} />
      </Field>
      <Field label="CVE">
        <input type="search" placeholder="CVE-2024-…" value={text.cve} onChange={(e) => setText({ ...text, cve: e.target.value })} style={{ width: 130 }} />
      </Field>
      <Field label="Assignee">
        <input type="search" value={text.assignee} onChange={(e) => setText({ ...text, assignee: e.target.value })} style={{ width: 110 }} />
      </Field>
      <label className="row" style={{ minHeight: 32 }}>
        <input type="checkbox" checked={params.get('overdue') === 'true'} onChange={(e) => updateParams({ overdue: e.target.checked ? 'true' : null })} />
        Overdue only
      </label>
      <button type="submit" className="button">
        Apply
      </button>
      {anyFilter ? (
        <button
          type="button"
          className="button ghost"
          onClick={() => navigate(`/findings${query({ cols: params.get('cols'), sort_by: params.get('sort_by'), sort_order: params.get('sort_order') })}`)}
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

function ColumnChooser({ visible }: { visible: string[] }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  function toggle(colId: string) {
    const next = visible.includes(colId) ? visible.filter((c) => c !== colId) : COLUMNS.map((c) => c.colId).filter((c) => c === colId || visible.includes(c));
    const same = next.join(',') === DEFAULT_COLUMNS.join(',');
    updateParams({ cols: same ? null : next.join(',') }, { replace: true });
  }
  return (
    <div className="menu" ref={ref}>
      <button type="button" className="button" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns ▾
      </button>
      {open ? (
        <div className="menu-list column-chooser" role="group" aria-label="Visible columns">
          {COLUMNS.map((c) => (
            <label key={c.colId}>
              <input type="checkbox" checked={visible.includes(c.colId)} onChange={() => toggle(c.colId)} />
              {c.headerName}
            </label>
          ))}
        </div>
      ) : null}
    </div>
  );
}
