import fs from 'node:fs';
import Docker from 'dockerode';
import { createLogger, type Logger } from '../logger';
import { borrowedProcess, isAlive, ownedProcess, spawnToLog, type EmbeddedProcess } from './child-process';
import { waitUntil } from './wait-until';

export interface DockerdOptions {
  /** Unix socket the daemon answers on, e.g. /var/run/docker.sock. */
  socket: string;
  logFile: string;
  /** Defaults to dockerd's own (/var/lib/docker, /var/run/docker, /var/run/docker.pid). */
  dataRoot?: string;
  execRoot?: string;
  pidFile?: string;
  readyTimeoutMs?: number;
  logger?: Logger;
}

/** A Docker daemon answering on `socket`; stop() only ends one that ensureDockerd started. */
export interface Dockerd extends EmbeddedProcess {
  socket: string;
}

/**
 * Berth's containers always use host networking, so the daemon needs no
 * bridge, NAT or forwarding: these flags keep it from rewriting the host's
 * iptables (FORWARD policy DROP) and sysctls, and work where iptables is absent.
 */
export function dockerdArgs(options: DockerdOptions): string[] {
  const args = ['--host', `unix://${options.socket}`, '--bridge=none', '--iptables=false', '--ip-forward=false', '--ip-masq=false'];
  if (options.dataRoot) args.push('--data-root', options.dataRoot);
  if (options.execRoot) args.push('--exec-root', options.execRoot);
  if (options.pidFile) args.push('--pidfile', options.pidFile);
  return args;
}

const defaultPidFile = '/var/run/docker.pid';

async function answers(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

function pidIn(pidFile: string): number | undefined {
  try {
    return Number(fs.readFileSync(pidFile, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function isDockerd(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
  } catch {
    return false;
  }
}

/**
 * dockerd refuses to start ("pid file found") while its pidfile names a live
 * process. A daemon still stopping (a run killed mid-teardown) is waited for,
 * or reused if it answers again; a pidfile whose PID now belongs to something
 * else is removed, as no daemon holds it.
 */
async function settlePidFile(pidFile: string, docker: Docker, timeoutMs: number, logger: Logger): Promise<'answers' | 'free'> {
  const deadline = Date.now() + timeoutMs;
  for (let logged = false; ; ) {
    const pid = pidIn(pidFile);
    if (pid === undefined || !isAlive(pid)) return 'free';
    if (!isDockerd(pid)) {
      logger.warn({ pidFile, pid }, 'removing a dockerd pidfile that names another process');
      fs.rmSync(pidFile, { force: true });
      return 'free';
    }
    if (await answers(docker)) return 'answers';
    if (Date.now() >= deadline) throw new Error(`dockerd (pid ${pid}, ${pidFile}) neither answers nor exits within ${timeoutMs} ms`);
    if (!logged) logger.info({ pidFile, pid }, 'a dockerd that does not answer still holds the pidfile; waiting for it to exit');
    logged = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Uses the Docker daemon on `socket`, starting Debian's dockerd when none answers. */
export async function ensureDockerd(options: DockerdOptions): Promise<Dockerd> {
  const logger = (options.logger ?? createLogger()).child({ component: 'dockerd' });
  const docker = new Docker({ socketPath: options.socket });
  if (await answers(docker)) {
    logger.info({ socket: options.socket }, 'docker daemon already answering; reusing it');
    return { ...borrowedProcess(), socket: options.socket };
  }
  if (process.getuid?.() !== 0) throw new Error(`no Docker daemon answers on ${options.socket}, and starting dockerd needs root`);
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  if ((await settlePidFile(options.pidFile ?? defaultPidFile, docker, readyTimeoutMs, logger)) === 'answers') {
    logger.info({ socket: options.socket }, 'docker daemon answers again; reusing it');
    return { ...borrowedProcess(), socket: options.socket };
  }

  const binary = fs.existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : 'dockerd';
  const startedAt = Date.now();
  const child = await spawnToLog(binary, dockerdArgs(options), { logFile: options.logFile });
  // dockerd waits up to 15 s for containers to stop on SIGTERM.
  const handle = ownedProcess(child, { name: 'dockerd', graceMs: 30_000, logger });
  try {
    await waitUntil(() => answers(docker), {
      what: `dockerd on ${options.socket}`,
      timeoutMs: readyTimeoutMs,
      child,
      logFile: options.logFile,
    });
  } catch (error) {
    await handle.stop();
    throw error;
  }
  logger.info({ childPid: child.pid, socket: options.socket, readyMs: Date.now() - startedAt }, 'dockerd ready');
  return { ...handle, socket: options.socket };
}
