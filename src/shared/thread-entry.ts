/**
 * The module a worker thread starts from. Run from the TypeScript sources, a thread does not inherit
 * tsx's loader, so it starts from a small `.boot.mjs` that registers the loader and then imports the
 * `.ts` module; run compiled (build/), the thread starts from the module's `.js` directly.
 */
export function threadEntry(callerUrl: string, moduleName: string): URL {
  return callerUrl.endsWith('.ts') ? new URL(`./${moduleName}.boot.mjs`, callerUrl) : new URL(`./${moduleName}.js`, callerUrl);
}
