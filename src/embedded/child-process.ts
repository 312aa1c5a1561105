import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';

/** A part of the world Berth runs against; `pid` is null when it was already running and is not ours to stop. */
export interface EmbeddedProcess {
  pid: number | null;
  stop(): Promise<void>;
}

/**
 * The environment without the allocator scripts/start-berth.sh preloads for
 * Berth (it marks it in BERTH_PRELOADED): the daemons Berth starts (dockerd,
 * Caddy, Temporal, the registry) keep their own.
 */
export function withoutBerthAllocator(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!env.BERTH_PRELOADED || env.LD_PRELOAD !== env.BERTH_PRELOADED) return env;
  const { LD_PRELOAD: _preload, MALLOC_CONF: _conf, BERTH_PRELOADED: _marker, ...rest } = env;
  return rest;
}

/** Starts a long-running child whose stdout and stderr go to logFile. */
export async function spawnToLog(
  command: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<ChildProcess> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const fd = fs.openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: withoutBerthAllocator(options.env ?? process.env), cwd: options.cwd });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)));
    });
    // The world outlives the call that started it; the owner stops it by PID.
    child.unref();
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

/** True while pid is a live process (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** SIGTERM, then SIGKILL when pid is still alive after graceMs. */
export async function stopPid(pid: number, options: { name: string; graceMs: number; logger: Logger }): Promise<void> {
  if (!isAlive(pid)) return;
  options.logger.info({ childPid: pid }, `stopping ${options.name}`);
  process.kill(pid, 'SIGTERM');
  if (await waitForExit(pid, options.graceMs)) {
    options.logger.info({ childPid: pid }, `${options.name} stopped`);
    return;
  }
  options.logger.warn({ childPid: pid, graceMs: options.graceMs }, `${options.name} ignored SIGTERM; sending SIGKILL`);
  process.kill(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5000))) throw new Error(`${options.name} (pid ${pid}) still alive 5000 ms after SIGKILL`);
}

/** The handle for a process this code started. */
export function ownedProcess(child: ChildProcess, options: { name: string; graceMs: number; logger: Logger }): EmbeddedProcess {
  const pid = child.pid as number;
  return { pid, stop: () => stopPid(pid, options) };
}

/** The handle for a process someone else runs: stop() leaves it alone. */
export function borrowedProcess(): EmbeddedProcess {
  return { pid: null, stop: async () => {} };
}
