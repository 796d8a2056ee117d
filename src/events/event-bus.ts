/** Typed in-process events: services publish, transports (WebSocket, CLI progress bar) subscribe. */
import { EventEmitter } from 'node:events';
import type { ImportProgress } from '../shared/import-progress.ts';
import type { JobProgressUpdate } from '../shared/job-progress.ts';

export interface EventMap {
  'import.progress': ImportProgress;
  /** Background jobs and file imports, from every server process (relayed over PostgreSQL NOTIFY). */
  'job.progress': JobProgressUpdate;
}

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per WebSocket client; a busy server has many.
    this.emitter.setMaxListeners(0);
  }

  publish<K extends keyof EventMap>(name: K, payload: EventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  subscribe<K extends keyof EventMap>(name: K, listener: (payload: EventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
