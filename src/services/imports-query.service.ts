/** Reading import history and an import's report (counts and rejected rows). */
import type { DatabaseHandle } from '../db/database.ts';
import { findImport, listImports, listRejections, type Rejection } from '../db/repositories/imports.repository.ts';
import type { ImportRow } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';

export interface ImportReport {
  import: ImportRow;
  rejections: Rejection[];
}

export class ImportsQueryService {
  constructor(private readonly database: DatabaseHandle) {}

  list(page: { limit: number; offset: number }): Promise<{ items: ImportRow[]; total: number }> {
    return listImports(this.database.db, page);
  }

  async report(importId: number, rejectionsPage: { limit: number; offset: number }): Promise<ImportReport> {
    const row = await findImport(this.database.db, importId);
    if (!row) throw new DomainError('not_found', `import ${importId} does not exist`);
    return { import: row, rejections: await listRejections(this.database.db, importId, rejectionsPage) };
  }
}
