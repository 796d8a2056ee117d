/**
 * Results computed only from scanner-owned data (lifecycle, severity, VPR, plugins, assets,
 * CVEs) stay valid until the next import completes; this keeps them until then. Figures that
 * involve workflow fields (status, assignee, due date) must not be cached here: users change
 * those at any time.
 */
import type { DatabaseHandle } from '../db/database.ts';
import { importGeneration } from '../db/repositories/imports.repository.ts';

const MAX_ENTRIES = 500;

export class ImportGenerationCache {
  private generation: string | undefined;
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly database: DatabaseHandle) {}

  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    // The generation is read before computing, and a result is kept only if no newer generation
    // was seen meanwhile: one computed while an import commits is never kept as current.
    const generation = await importGeneration(this.database.db);
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    if (this.entries.has(key)) {
      const value = this.entries.get(key) as T;
      // Most recently used last, so the oldest entry is the first to go.
      this.entries.delete(key);
      this.entries.set(key, value);
      return value;
    }
    const value = await compute();
    if (this.generation === generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, value);
    }
    return value;
  }

  /** For writers other than imports that change scanner-owned data. */
  clear(): void {
    this.entries.clear();
    this.generation = undefined;
  }
}
