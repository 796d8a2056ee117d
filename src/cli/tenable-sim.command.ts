/**
 * `hextrackr tenable-sim`: start the Tenable API simulator (Tenable VM, Security Center, Nessus
 * export) for demos and rehearsals, print its URL and keys, run until Ctrl+C.
 */
import { parseFaultList, type SimulatorFaults } from '../integrations/tenable/simulator/faults.ts';
import { startTenableSimulator, type TenableSimulator, type TenableSimulatorOptions } from '../integrations/tenable/simulator/server.ts';

/** Option values as commander hands them over (strings, or undefined when absent). */
export interface TenableSimCliOptions {
  host?: string | undefined;
  port?: string | undefined;
  assets?: string | undefined;
  findings?: string | undefined;
  seed?: string | undefined;
  startDate?: string | undefined;
  clock?: string | undefined;
  accessKey?: string | undefined;
  secretKey?: string | undefined;
  scUsername?: string | undefined;
  scPassword?: string | undefined;
  faults?: string | undefined;
  json?: boolean | undefined;
}

export const TENABLE_SIM_DEFAULTS = { host: '127.0.0.1', port: 8600, assets: 500, findings: 20_000, seed: '1', clock: 'wall' } as const;

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

function hexKey(name: string, value: string | undefined, length: number): string | undefined {
  if (value === undefined) return undefined;
  if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(value)) throw new RangeError(`--${name} must be ${length} hexadecimal characters`);
  return value.toLowerCase();
}

/** Validate the command-line options into simulator options (throws RangeError with the option name). */
export function parseTenableSimOptions(raw: TenableSimCliOptions, today: Date = new Date()): TenableSimulatorOptions {
  const clock = raw.clock ?? TENABLE_SIM_DEFAULTS.clock;
  if (clock !== 'wall' && clock !== 'manual') throw new RangeError(`--clock must be wall or manual, got "${clock}"`);
  const startDate = raw.startDate ?? today.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || Number.isNaN(Date.parse(`${startDate}T00:00:00Z`))) throw new RangeError(`--start-date must be YYYY-MM-DD, got "${startDate}"`);
  const seedText = raw.seed ?? TENABLE_SIM_DEFAULTS.seed;
  const options: TenableSimulatorOptions = {
    host: raw.host ?? TENABLE_SIM_DEFAULTS.host,
    port: integer('port', raw.port, TENABLE_SIM_DEFAULTS.port, 0, 65535),
    assets: integer('assets', raw.assets, TENABLE_SIM_DEFAULTS.assets, 1, 1_000_000),
    findings: integer('findings', raw.findings, TENABLE_SIM_DEFAULTS.findings, 0, 100_000_000),
    seed: /^\d+$/.test(seedText) ? Number(seedText) : seedText,
    startDate,
    clock,
  };
  const accessKey = hexKey('access-key', raw.accessKey, 64);
  const secretKey = hexKey('secret-key', raw.secretKey, 64);
  if (accessKey) options.accessKey = accessKey;
  if (secretKey) options.secretKey = secretKey;
  if (raw.scUsername !== undefined || raw.scPassword !== undefined) {
    options.sc = {};
    if (raw.scUsername !== undefined) options.sc.username = raw.scUsername;
    if (raw.scPassword !== undefined) options.sc.password = raw.scPassword;
  }
  if (raw.faults) options.faults = parseFaultList(raw.faults);
  return options;
}

function describeFaults(faults: Partial<SimulatorFaults> | undefined): string {
  if (!faults || Object.keys(faults).length === 0) return 'none';
  return Object.entries(faults)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** Start the simulator and print how to reach it. The caller keeps the process alive and closes it. */
export async function runTenableSimCommand(raw: TenableSimCliOptions, out: NodeJS.WritableStream = process.stdout): Promise<TenableSimulator> {
  const options = parseTenableSimOptions(raw);
  const sim = await startTenableSimulator(options);
  const info = {
    url: sim.url,
    accessKey: sim.accessKey,
    secretKey: sim.secretKey,
    apiKeysHeader: sim.apiKeysHeader,
    sc: { url: sim.sc.url, username: sim.sc.username, password: sim.sc.password, accessKey: sim.sc.accessKey, secretKey: sim.sc.secretKey },
    seed: options.seed,
    assets: options.assets,
    findings: options.findings,
    startDate: options.startDate,
    clock: options.clock,
    faults: options.faults ?? {},
  };
  if (raw.json) {
    out.write(`${JSON.stringify(info)}\n`);
    return sim;
  }
  out.write(
    [
      `Tenable simulator listening on ${sim.url}`,
      `  Tenable VM API     ${sim.url}`,
      `  access key         ${sim.accessKey}`,
      `  secret key         ${sim.secretKey}`,
      `  X-ApiKeys header   ${sim.apiKeysHeader}`,
      `  Security Center    ${sim.sc.url}  (POST /rest/token as ${sim.sc.username} / ${sim.sc.password})`,
      `  SC API key         x-apikey: accesskey=${sim.sc.accessKey}; secretkey=${sim.sc.secretKey};`,
      `  Nessus scanner     ${sim.url}  (same X-ApiKeys; scan ids ${sim.estate.scans.map((scan) => scan.id).join(', ')})`,
      `  estate             seed ${String(options.seed)}, ${options.assets} assets, ${options.findings} findings, day 0 = ${options.startDate}, ${options.clock} clock`,
      `  faults             ${describeFaults(options.faults)}`,
      `  next day           curl -X POST -H 'X-ApiKeys: ${sim.apiKeysHeader}' ${sim.url}/_simulator/advance-day`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  return sim;
}
