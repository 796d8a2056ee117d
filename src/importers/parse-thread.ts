/**
 * The thread side of parse-ahead.ts: parses one file and posts its events in batches,
 * never more than PARSE_BATCHES_AHEAD unacknowledged batches ahead of the importing thread.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { ImportFormatError, type ParseEvent, type ParsedFinding } from './importer.ts';
import {
  PARSE_BATCH_EVENTS,
  PARSE_BATCHES_AHEAD,
  type ParseThreadError,
  type ParseThreadMessage,
  type ParseThreadRequest,
} from './parse-thread-protocol.ts';
import { openImportFile } from './registry.ts';

/**
 * Every finding of a plugin repeats the plugin's text (a description, a solution: kilobytes),
 * and copying it between threads for every row would cost as much as parsing it. The importer
 * reads a plugin's text from its first finding only, so later ones travel without it; the
 * description stays where there is no CVE, because it is then part of the finding's identity.
 */
function dropRepeatedPluginText(finding: ParsedFinding, seenPlugins: Set<string>): void {
  if (!seenPlugins.has(finding.pluginId)) {
    seenPlugins.add(finding.pluginId);
    return;
  }
  // Assigned rather than deleted: a deleted property turns the object into a slow dictionary,
  // for this loop and for the structured clone that posts it.
  finding.synopsis = undefined;
  finding.solution = undefined;
  finding.seeAlso = undefined;
  finding.pluginFamily = undefined;
  if (finding.cves.length > 0) finding.description = undefined;
}

function describeError(err: unknown): ParseThreadError {
  if (err instanceof ImportFormatError) return { name: err.name, message: err.message, fileName: err.fileName, line: err.line };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

async function main(port: MessagePort, request: ParseThreadRequest): Promise<void> {
  const post = (message: ParseThreadMessage) => port.postMessage(message);
  let credits = PARSE_BATCHES_AHEAD;
  let creditGranted: (() => void) | undefined;
  port.on('message', () => {
    credits += 1;
    creditGranted?.();
  });
  try {
    const opened = await openImportFile(request.filePath, {
      format: request.formatId,
      fileName: request.fileName,
      parseAheadFromBytes: Number.POSITIVE_INFINITY,
    });
    const seenPlugins = new Set<string>();
    let batch: ParseEvent[] = [];
    const send = async () => {
      while (credits === 0) await new Promise<void>((resolve) => (creditGranted = resolve));
      creditGranted = undefined;
      credits -= 1;
      post({ type: 'batch', events: batch, bytesRead: opened.bytesRead() });
      batch = [];
    };
    for await (const event of opened.events) {
      if (event.kind === 'finding') dropRepeatedPluginText(event.finding, seenPlugins);
      batch.push(event);
      if (batch.length >= PARSE_BATCH_EVENTS) await send();
    }
    if (batch.length > 0) await send();
    post({ type: 'end', bytesRead: opened.totalBytes });
  } catch (err) {
    post({ type: 'error', error: describeError(err) });
  } finally {
    port.close();
  }
}

if (parentPort) await main(parentPort, workerData as ParseThreadRequest);
