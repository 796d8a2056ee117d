/**
 * A full garbage collection on demand, for the moment a thread is about to sit idle while
 * memory outside its heap grows: an import's rollover is seconds to minutes of SQLite work with
 * no JavaScript running. V8 collects lazily, so staging's garbage (parsed rows, export batches:
 * 60-110 MB after a million-finding sync) would stay resident through the rollover, on top of
 * SQLite's caches. Node offers gc() only behind a V8 flag; V8 installs it in contexts created
 * after the flag is set, so it is taken from a fresh one, once per thread.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

export function collectGarbage(): void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}
