/**
 * .nessus v2 (`NessusClientData_v2`) files, streamed with saxes.
 *
 * One finding per `ReportItem`. Host columns come from the `ReportHost name` attribute and its
 * `HostProperties` tags (host-ip, host-fqdn, netbios-name, mac-address, operating-system,
 * HOST_END -> lastSeen). Item attributes: port, svc_name, protocol, severity, pluginID,
 * pluginName, pluginFamily; children: synopsis, description, solution, plugin_output,
 * see_also, cve (repeated), cvss_base_score, cvss3_base_score, vpr_score, exploit_available,
 * risk_factor.
 *
 * Severity: the `severity` attribute (0-4) is trusted, then risk_factor, then CVSS v3 / v2.
 * DefectDojo instead overrides it with cvss3_base_score, so a finding Nessus rates Medium
 * with CVSS v3 7.5 is Medium here and High in DefectDojo (corpus: issue_6992.nessus).
 *
 * Security: any DOCTYPE (and so any DTD or entity declaration) makes the file unreadable
 * (XXE, billion laughs). saxes never expands custom entities anyway; refusing the DOCTYPE
 * keeps a hostile file from getting any further.
 *
 * The `<Policy>` preamble (up to a few MB of scanner preferences) is tokenised by saxes but
 * every event inside it is dropped at once: no text is kept, no objects are built.
 */
import { ChunkDecoder, decodePieces } from '../text-decoder.ts';
import { flattenEvents } from '../event-stream.ts';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { ImportFormat, ParseEvent, ParsedFinding } from '../importer.ts';
import { ImportFormatError } from '../importer.ts';
import {
  RowProblem,
  cves as readCves,
  date,
  flag,
  hostnameOf,
  links,
  looksLikeIp,
  lower,
  multiline,
  port,
  rejectedEvent,
  requireHost,
  requirePluginId,
  resolveSeverity,
  score,
  text,
} from '../fields.ts';

const LABEL = 'Nessus XML (.nessus v2)';

interface HostInfo {
  name?: string;
  props: Map<string, string>;
}

/** Children of a ReportItem we keep; everything else is skipped without buffering text. */
const ITEM_CHILDREN = new Set([
  'synopsis', 'description', 'solution', 'plugin_output', 'see_also', 'cve', 'cvss_base_score', 'cvss3_base_score',
  'vpr_score', 'exploit_available', 'risk_factor', 'plugin_name', 'plugin_family',
]);

const HOST_TAGS = new Set(['host-ip', 'host-fqdn', 'netbios-name', 'mac-address', 'operating-system', 'HOST_END', 'HOST_END_TIMESTAMP', 'hostname']);

interface ItemState {
  line: number;
  attributes: Record<string, string>;
  children: Map<string, string>;
  cves: string[];
}

function buildFinding(host: HostInfo, item: ItemState): ParseEvent {
  const { line, attributes: a, children: c } = item;
  try {
    const props = host.props;
    const name = text(host.name);
    const hostIp = text(props.get('host-ip'));
    const fqdn = text(props.get('host-fqdn')) ?? text(props.get('hostname'));
    const netbiosName = text(props.get('netbios-name'));
    const hostname = hostnameOf(name, fqdn, netbiosName);
    const ipAddress = hostIp ?? (looksLikeIp(name) ? name : undefined);
    requireHost(hostname, ipAddress, 'ReportHost name');
    const pluginId = requirePluginId(a.pluginID, 'pluginID');
    const vprScore = score(c.get('vpr_score'), 'vpr_score');
    const cvssBaseScore = score(c.get('cvss_base_score'), 'cvss_base_score');
    const cvss3BaseScore = score(c.get('cvss3_base_score'), 'cvss3_base_score');
    const portNumber = port(a.port, 'port');
    const hostEnd = props.get('HOST_END');
    const lastSeen = hostEnd !== undefined ? date(hostEnd, 'HOST_END') : date(props.get('HOST_END_TIMESTAMP'), 'HOST_END_TIMESTAMP');
    const severity = resolveSeverity([a.severity, c.get('risk_factor')], cvss3BaseScore, cvssBaseScore, 'severity');
    const finding: ParsedFinding = {
      line,
      hostname,
      ipAddress,
      assetUuid: undefined,
      macAddress: text(props.get('mac-address')?.split(/\s+/)[0]),
      fqdn,
      netbiosName,
      operatingSystem: multiline(props.get('operating-system')),
      pluginId,
      pluginName: text(a.pluginName) ?? text(c.get('plugin_name')) ?? `Plugin ${pluginId}`,
      pluginFamily: text(a.pluginFamily) ?? text(c.get('plugin_family')),
      severity,
      vprScore,
      cvssBaseScore,
      cvss3BaseScore,
      cves: readCves(item.cves),
      port: portNumber,
      protocol: lower(a.protocol),
      service: text(a.svc_name),
      state: undefined,
      firstSeen: undefined,
      lastSeen,
      output: multiline(c.get('plugin_output')),
      synopsis: multiline(c.get('synopsis')),
      description: multiline(c.get('description')),
      solution: multiline(c.get('solution')),
      seeAlso: links(c.get('see_also')),
      exploitAvailable: flag(c.get('exploit_available')),
    };
    return { kind: 'finding', finding };
  } catch (error) {
    if (error instanceof RowProblem) return rejectedEvent(line, error);
    throw error;
  }
}

async function* nessusXmlBatches(input: AsyncIterable<Buffer | string>, fileName: string): AsyncGenerator<ParseEvent[]> {
  const parser = new SaxesParser({ xmlns: false, position: true, fileName });
  let queue: ParseEvent[] = [];
  const stack: string[] = [];
  let policyDepth = -1;
  let host: HostInfo | undefined;
  let item: ItemState | undefined;
  /** Text of the element being captured (a HostProperties tag or a ReportItem child). */
  let capture: string | undefined;
  let captureName = '';
  let tagName: string | undefined;
  let sawRoot = false;
  let fatal: ImportFormatError | undefined;

  const fail = (message: string): never => {
    fatal ??= new ImportFormatError(`${fileName}: ${message}`, fileName, parser.line);
    throw fatal;
  };

  parser.on('doctype', () => fail('DOCTYPE declarations are not accepted in .nessus files (DTD / entity declarations are refused for security)'));
  parser.on('error', (err) => fail(`not well-formed XML: ${err.message}`));

  // The line where a ReportItem's start tag begins (its attributes may span lines).
  let itemLine = 0;
  parser.on('opentagstart', (tag) => {
    if (tag.name === 'ReportItem') itemLine = parser.line;
  });

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = tag.name;
    stack.push(name);
    if (policyDepth >= 0) return;
    const depth = stack.length;
    if (depth === 1) {
      if (name !== 'NessusClientData_v2') fail(`root element is <${name}>, expected <NessusClientData_v2>`);
      sawRoot = true;
      return;
    }
    if (depth === 2 && name === 'Policy') {
      policyDepth = depth;
      return;
    }
    switch (name) {
      case 'ReportHost':
        host = { name: tag.attributes.name as string | undefined, props: new Map() };
        return;
      case 'tag':
        if (host && item === undefined && stack[depth - 2] === 'HostProperties') {
          const tagAttr = tag.attributes.name as string | undefined;
          if (tagAttr !== undefined && HOST_TAGS.has(tagAttr)) {
            tagName = tagAttr;
            capture = '';
          }
        }
        return;
      case 'ReportItem':
        item = { line: itemLine, attributes: tag.attributes as Record<string, string>, children: new Map(), cves: [] };
        return;
      default:
        if (item !== undefined && depth >= 2 && stack[depth - 2] === 'ReportItem' && ITEM_CHILDREN.has(name)) {
          captureName = name;
          capture = '';
        }
    }
  });

  const onText = (t: string): void => {
    if (capture !== undefined) capture += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', (tag: SaxesTagPlain) => {
    const name = tag.name;
    const depth = stack.length;
    stack.pop();
    if (policyDepth >= 0) {
      if (depth === policyDepth) policyDepth = -1;
      return;
    }
    if (capture !== undefined) {
      if (tagName !== undefined && name === 'tag') {
        host?.props.set(tagName, capture);
        tagName = undefined;
        capture = undefined;
        return;
      }
      if (item !== undefined && name === captureName) {
        if (name === 'cve') {
          item.cves.push(capture);
        } else {
          const before = item.children.get(name);
          item.children.set(name, before === undefined ? capture : `${before}\n${capture}`);
        }
        capture = undefined;
        return;
      }
    }
    if (name === 'ReportItem' && item !== undefined) {
      queue.push(host ? buildFinding(host, item) : rejectedEvent(item.line, new RowProblem('ReportHost', 'ReportItem outside a ReportHost')));
      item = undefined;
    } else if (name === 'ReportHost') {
      host = undefined;
    }
  });

  const decoder = new ChunkDecoder();
  let first = true;
  let sawText = false;
  // Before the root element, look for a DOCTYPE in the raw text too: saxes reports one only
  // once it is complete, and a hostile internal subset could be made arbitrarily large.
  let prolog = '';
  const feed = (chunk: string): void => {
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (!sawText && chunk.trim() !== '') sawText = true;
    if (!sawRoot) {
      prolog = prolog.slice(-16) + chunk;
      if (prolog.includes('<!DOCTYPE') || prolog.includes('<!ENTITY')) {
        fail('DOCTYPE declarations are not accepted in .nessus files (DTD / entity declarations are refused for security)');
      }
    }
    if (chunk.length > 0) parser.write(chunk);
  };

  try {
    for await (const chunk of input) {
      for (const piece of decodePieces(chunk, decoder)) feed(piece);
      if (queue.length > 0) {
        const events = queue;
        queue = [];
        yield events;
      }
    }
    feed(decoder.end());
    if (!sawText) return;
    parser.close();
  } catch (error) {
    if (fatal) throw fatal;
    throw error;
  }
  if (!sawRoot) throw new ImportFormatError(`${fileName}: no <NessusClientData_v2> root element`, fileName);
  if (queue.length > 0) yield queue;
}

export const nessusXml: ImportFormat = {
  id: 'nessus-xml',
  label: LABEL,
  requiredColumns: ['<NessusClientData_v2> root', '<ReportHost name>', '<ReportItem pluginID severity>'],
  detect(sample) {
    const head = sample.head;
    const start = head.search(/\S/);
    return start >= 0 && head[start] === '<' && head.includes('<NessusClientData_v2');
  },
  parse: (input, fileName) => flattenEvents(nessusXmlBatches(input, fileName)),
};
