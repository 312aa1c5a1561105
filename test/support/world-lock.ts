import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../src/logger';
import { berthCacheDir } from '../../src/embedded/cache-dir';
import { isAlive, stopPid } from '../../src/embedded/child-process';
import { worldStateFile, type StartedProcess } from './world';

/**
 * The world's ports are fixed machine-wide, so one test run at a time owns it;
 * the lock lives in the cache dir, shared by every checkout.
 */
const lockFile = path.join(berthCacheDir(), 'test-world.lock');

function lockOwner(): number | undefined {
  try {
    return Number(fs.readFileSync(lockFile, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** Takes the world lock, waiting (bounded) while another live run holds it; a dead holder's lock is taken over. */
export async function acquireWorldLock(logger: Logger, timeoutMs = 600_000): Promise<void> {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (let logged = false; ; ) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = lockOwner();
    if (owner === undefined || !isAlive(owner)) {
      logger.warn({ lockFile, owner }, 'taking over the test world lock from a run that is gone');
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new Error(`test world still locked by pid ${owner} after ${timeoutMs} ms (${lockFile})`);
    if (!logged) logger.info({ owner, lockFile }, 'another test run owns the test world; waiting');
    logged = true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export function releaseWorldLock(): void {
  if (lockOwner() === process.pid) fs.rmSync(lockFile, { force: true });
}

/** argv[0] of a live process, as the kernel reports it. */
export function commandOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
  } catch {
    return undefined;
  }
}

/** Stops processes recorded as started, skipping any whose PID now belongs to something else. */
export async function stopStarted(started: StartedProcess[], logger: Logger): Promise<void> {
  for (const { name, pid, command } of [...started].reverse()) {
    if (!isAlive(pid) || commandOf(pid) !== command) continue;
    await stopPid(pid, { name, graceMs: name === 'dockerd' ? 30_000 : 10_000, logger });
  }
}

/**
 * What the lock holder has started, kept beside the lock rather than in the
 * checkout: a run killed in one clone (its dockerd still stopping) is cleaned
 * up by the next run, whichever clone that is.
 */
const startedFile = path.join(berthCacheDir(), 'test-world.started.json');

/** Rewritten as each part starts, so a run killed half-way through setup is covered too. */
export function recordStarted(started: StartedProcess[]): void {
  fs.writeFileSync(startedFile, `${JSON.stringify({ ownerPid: process.pid, started })}\n`);
}

export function forgetStarted(): void {
  if (readStarted()?.ownerPid === process.pid) fs.rmSync(startedFile, { force: true });
}

function readStarted(): { ownerPid: number; started: StartedProcess[] } | undefined {
  try {
    return JSON.parse(fs.readFileSync(startedFile, 'utf8')) as { ownerPid: number; started: StartedProcess[] };
  } catch {
    return undefined;
  }
}

/** Stops what a run that died without teardown left running, in any checkout. */
export async function stopStaleWorld(logger: Logger): Promise<void> {
  // This checkout's addresses from an earlier run; this run writes its own.
  fs.rmSync(worldStateFile, { force: true });
  const stale = readStarted();
  if (stale && stale.ownerPid !== process.pid && !isAlive(stale.ownerPid)) {
    logger.warn({ ownerPid: stale.ownerPid }, 'stopping what an earlier test run left running');
    await stopStarted(stale.started, logger);
  }
  fs.rmSync(startedFile, { force: true });
}
