/**
 * The findings API, read side: search, detail (also under the spec's /api/tenable/vulnerabilities
 * paths, registered from the same definitions) and the streamed CSV / JSON export.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import Papa from 'papaparse';
import type { Application } from '../../composition.ts';
import { todayUtc } from '../../domain/finding-query.ts';
import type { FindingItem } from '../../services/findings-query.service.ts';
import {
  ErrorSchema,
  ExportQuery,
  FindingDetailSchema,
  FindingListQuery,
  FindingPageSchema,
  IdParams,
  toFindingFilter,
} from '../schemas/findings.schemas.ts';

/** Where the findings list and detail are served: ours, and the spec's TenableAPIContract path. */
export const FINDINGS_PATHS = ['/api/vulnerabilities', '/api/tenable/vulnerabilities'] as const;

/** The export's columns, in order. */
export const EXPORT_COLUMNS = [
  'id', 'hostname', 'ip_address', 'asset_id', 'plugin_id', 'plugin_name', 'plugin_family', 'cve', 'severity_name', 'vpr_score',
  'cvss_base_score', 'cvss3_base_score', 'ports', 'scanner_state', 'first_seen', 'last_seen', 'lifecycle', 'resolved_on',
  'status', 'assigned_to', 'assigned_team', 'priority', 'due_date', 'remediation_date', 'false_positive_reason',
  'accepted_risk_reason', 'accepted_risk_expires', 'business_justification', 'remediation_notes', 'custom_tags',
  'correlation_method', 'correlation_confidence', 'manual_review_required',
] as const satisfies readonly (keyof FindingItem)[];

/**
 * Cells a spreadsheet would run as a formula get a leading apostrophe. papaparse's own default
 * pattern ends in `.*$` and so misses a multi-line cell that starts with `=`.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvBatch(items: readonly FindingItem[], header: boolean): string {
  const data = items.map((item) => EXPORT_COLUMNS.map((column) => (column === 'custom_tags' ? item.custom_tags.join('; ') : item[column])));
  return Papa.unparse({ fields: [...EXPORT_COLUMNS], data }, { header, newline: '\r\n', escapeFormulae: FORMULA_START });
}

async function* csvChunks(batches: AsyncIterable<FindingItem[]>): AsyncGenerator<string> {
  // The BOM tells Excel the file is UTF-8.
  yield `\uFEFF${csvBatch([], true)}\r\n`;
  for await (const batch of batches) yield `${csvBatch(batch, false)}\r\n`;
}

async function* jsonChunks(batches: AsyncIterable<FindingItem[]>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const batch of batches) {
    yield (first ? '' : ',') + batch.map((item) => JSON.stringify(item)).join(',');
    first = false;
  }
  yield ']\n';
}

export async function findingsRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/vulnerabilities/export',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['findings'],
        summary: 'Export findings as CSV (Excel-ready) or a JSON array, streamed',
        description: 'Same filters as the list; rows in id order. CSV: UTF-8 BOM, CRLF, RFC 4180 quoting, formula cells defused with a leading apostrophe.',
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const today = todayUtc();
      const batches = hex.findingsQuery.exportBatches(toFindingFilter(filters, today));
      const chunks = format === 'csv' ? csvChunks(batches) : jsonChunks(batches);
      // One chunk (one batch) buffered at a time: the database is read only as fast as the client reads.
      const body = Readable.from(chunks, { objectMode: false, highWaterMark: 1 });
      return reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="hextrackr-vulnerabilities-${today}.${format}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );

  for (const base of FINDINGS_PATHS) {
    const tags = base === '/api/vulnerabilities' ? ['findings'] : ['findings', 'tenable'];
    app.get(
      base,
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: 'Search findings (VulnerabilitySearchQuery): filters, sort, offset or cursor paging, total',
          querystring: FindingListQuery,
          response: { 200: FindingPageSchema, 400: ErrorSchema },
        },
      },
      async (request) => {
        const { limit, offset, cursor, sort_by, sort_order, ...filters } = request.query;
        return hex.findingsQuery.search({
          filter: toFindingFilter(filters, todayUtc()),
          sort: { by: sort_by, order: sort_order },
          limit,
          offset,
          cursor,
        });
      },
    );

    app.get(
      `${base}/:id`,
      {
        config: { access: 'viewer' },
        schema: {
          tags,
          summary: 'One finding with its plugin, CVE links, latest output, asset and snapshots timeline',
          params: IdParams,
          response: { 200: FindingDetailSchema, 404: ErrorSchema },
        },
      },
      async (request) => ({ ...(await hex.findingsQuery.detail(request.params.id)) }),
    );
  }
}
