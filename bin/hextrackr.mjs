#!/usr/bin/env node
// Runs the compiled server (build/, made by `npm run build` or `npm start`) while it is newer than
// every source file; otherwise the TypeScript sources through tsx's loader, which needs no build
// step but costs about 50 MB of memory and a slower start.
import { importServerModule } from '../scripts/build-freshness.mjs';

await importServerModule('cli/main');
