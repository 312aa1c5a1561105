import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../../src/logger';
import { isAlive, stopPid } from '../../src/embedded/child-process';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** The fixed loopback ports of the embedded default (API, Caddy admin and listen, Temporal and its UI). */
export const embeddedPorts = [8080, 2019, 8088, 7233, 8233];

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The embedded default's ports must be free: a Berth already running with `npm start` would be deployed to instead. */
export async function assertEmbeddedPortsFree(): Promise<void> {
  const busy = (await Promise.all(embeddedPorts.map(async (port) => ((await answers(port)) ? port : undefined)))).filter((port) => port !== undefined);
  if (busy.length > 0) throw new Error(`127.0.0.1 ports ${busy.join(', ')} are in use: stop the Berth running there (npm start) before this test`);
}

/**
 * A fresh clone of this checkout's last commit in `dir`, sharing its
 * node_modules through a symlink. setup.sh then installs nothing, since the
 * lock hash it recorded matches; a mismatch would make it reinstall into the
 * shared folder, so that is refused here.
 */
export function freshClone(dir: string): string {
  const lockHash = createHash('sha256').update(fs.readFileSync(path.join(repoRoot, 'package-lock.json'))).digest('hex');
  const marker = path.join(repoRoot, 'node_modules', '.berth-lock-sha256');
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8').trim() !== lockHash) {
    throw new Error(`${marker} does not match package-lock.json: run \`bash scripts/setup.sh test\` first`);
  }
  const clone = path.join(dir, 'berth');
  execFileSync('git', ['clone', '--quiet', repoRoot, clone]);
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'));
  return clone;
}

/** Direct children of a process, from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The process's arguments, joined by spaces. */
function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

/** `npm start` in `cwd`, its output in `logFile`; resolves once Berth says it is up. */
export async function npmStart(cwd: string, logFile: string, timeoutMs: number): Promise<{ child: ChildProcess; startedMs: number }> {
  const startedAt = Date.now();
  const out = fs.openSync(logFile, 'w');
  // As a new user's shell would have it: no config path of the test run, no jest settings.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'BERTH_CONFIG' && name !== 'NODE_ENV' && !name.startsWith('JEST')));
  const child = spawn('npm', ['start'], { cwd, stdio: ['ignore', out, out], env });
  fs.closeSync(out);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.readFileSync(logFile, 'utf8').includes('"msg":"berth is up"')) return { child, startedMs: Date.now() - startedAt };
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`npm start did not say "berth is up" within ${timeoutMs} ms; see ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Berth's own node process under `npm start`: node itself (scripts/start-berth.sh execs it), not npm or the shell it runs the start script in. */
export function berthPid(child: ChildProcess): number | undefined {
  return descendantsOf(child.pid!).find((candidate) => /^\S*node (\S*\/)?dist\/main\.js/.test(commandLine(candidate)));
}

/** The PID of the Caddy that `npm start` started (a descendant of npm), if any. */
export function caddyPid(child: ChildProcess): number | undefined {
  return descendantsOf(child.pid!).find((candidate) => /^\S*caddy run /.test(commandLine(candidate)));
}

/** One variable of a live process's environment, from /proc. */
export function environOf(pid: number, name: string): string | undefined {
  const entry = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((line) => line.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/**
 * Stops what `npm start` started, by PID: SIGTERM to Berth's own process,
 * which stops the Caddy and Temporal it started, then whatever is left below
 * npm. Returns the command lines of what was still alive a few seconds after
 * Berth itself had stopped (and was then stopped here): empty when Berth
 * stopped everything it started.
 */
export async function stopNpmStart(child: ChildProcess, logger: Logger): Promise<string[]> {
  const pid = child.pid!;
  const tree = descendantsOf(pid);
  const berth = berthPid(child);
  if (berth) await stopPid(berth, { name: 'berth (npm start)', graceMs: 30_000, logger });
  // npm and its shell end once Berth has; give them a moment.
  for (let waited = 0; waited < 5000 && [pid, ...tree].some(isAlive); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  const leftovers = [...tree].reverse().filter(isAlive);
  const lines = leftovers.map((leftover) => `${leftover}: ${commandLine(leftover)}`);
  for (const leftover of leftovers) await stopPid(leftover, { name: `npm start child ${leftover}`, graceMs: 10_000, logger });
  if (isAlive(pid)) await stopPid(pid, { name: 'npm start', graceMs: 10_000, logger });
  return lines;
}
