/** Scan file imports: upload (streamed to disk, then imported in the background) and the import history. */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { HttpError } from '../errors.ts';

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const ReportQuery = z.object({
  rejections_limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  rejections_offset: z.coerce.number().int().min(0).default(0),
});

const IdParam = z.object({ id: z.coerce.number().int().min(1) });

const ImportFields = z.object({
  scan_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').optional(),
  scope: z.enum(['all', 'hosts', 'state']).optional(),
  format: z.string().optional(),
});

function safeName(name: string): string {
  return path.basename(name).replace(/[^\w.-]+/g, '_').slice(-120) || 'upload';
}

export async function importsRoutes(app: FastifyInstance, hex: Application): Promise<void> {
  app.post('/api/vulnerabilities/import', { config: { access: 'analyst' } }, async (request, reply) => {
    if (!request.isMultipart()) throw new HttpError(415, 'unsupported_media_type', 'send multipart/form-data with a "file" part and a "scan_date" field');
    await mkdir(hex.config.uploadDir, { recursive: true });
    const fields: Record<string, string> = {};
    let upload: { path: string; name: string } | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (upload) throw new HttpError(400, 'validation_error', 'send one file per import request');
          const target = path.join(hex.config.uploadDir, `${randomUUID()}-${safeName(part.filename)}`);
          upload = { path: target, name: part.filename || 'upload' };
          await pipeline(part.file, createWriteStream(target));
          if (part.file.truncated) {
            throw new HttpError(413, 'file_too_large', `the file exceeds the upload limit of ${hex.config.maxUploadMb} MB (HEXTRACKR_MAX_UPLOAD_MB)`);
          }
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
      if (!upload) throw new HttpError(400, 'validation_error', 'the request has no "file" part');
      const parsed = ImportFields.parse(fields);
      const prepared = await hex.imports.prepare({
        filePath: upload.path,
        fileName: upload.name,
        scanDate: parsed.scan_date,
        scope: parsed.scope,
        format: parsed.format,
        source: 'api',
      });
      const uploaded = upload.path;
      void prepared
        .run()
        .catch((err: unknown) => hex.logger.warn('import', 'import failed', { importId: prepared.importId, error: String(err) }))
        .finally(() => unlink(uploaded).catch(() => undefined));
      upload = undefined;
      return reply.status(202).send({
        importId: prepared.importId,
        status: 'running',
        fileName: prepared.fileName,
        format: prepared.format,
        scanDate: prepared.scanDate,
        scope: prepared.scope,
        links: { self: `/api/imports/${prepared.importId}`, progress: '/ws' },
      });
    } finally {
      if (upload) await unlink(upload.path).catch(() => undefined);
    }
  });

  app.get('/api/imports', { config: { access: 'viewer' } }, async (request) => {
    const page = Page.parse(request.query);
    const { items, total } = await hex.importsQuery.list(page);
    return { items, total, limit: page.limit, offset: page.offset };
  });

  app.get('/api/imports/:id', { config: { access: 'viewer' } }, async (request) => {
    const { id } = IdParam.parse(request.params);
    const query = ReportQuery.parse(request.query);
    const report = await hex.importsQuery.report(id, { limit: query.rejections_limit, offset: query.rejections_offset });
    return { ...report.import, rejections: report.rejections };
  });
}
