/** Runs `bin/hextrackr.mjs` in a child process, asynchronously (a simulator in the test process must keep answering). */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the command; `done` settles when it exits, with its exit code and everything it printed. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/hextrackr.mjs'), ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
  return { child, done };
}
