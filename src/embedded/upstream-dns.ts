import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger } from '../logger';
import { borrowedProcess, ownedProcess, spawnToLog, type EmbeddedProcess } from './child-process';
import { hostPort } from './probes';
import { waitUntil } from './wait-until';

export interface UpstreamDnsOptions {
  address: { host: string; port: number };
  stateDir: string;
  logFile: string;
  readyTimeoutMs?: number;
  logger?: Logger;
  /** Start it again when it exits on its own (the embedded default); off where a test stops it on purpose. */
  restart?: boolean;
}

/** True when a UDP socket is already bound at host:port (there, the responder). */
function udpPortTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(error.code === 'EADDRINUSE');
    });
    socket.bind(port, host, () => socket.close(() => resolve(false)));
  });
}

/** The responder's program: compiled beside this file, or its TypeScript source under tsx (tests, `tsx` runs). */
function responderCommand(): { args: string[] } {
  const main = path.join(__dirname, '..', 'proxy', 'dns', 'upstream-dns-main');
  return __filename.endsWith('.ts') ? { args: ['--import', 'tsx', `${main}.ts`] } : { args: [`${main}.js`] };
}

/**
 * Starts Berth's upstream responder (src/proxy/dns) as its own process beside
 * Caddy, so a crash of the worker or API never takes the answers Caddy's
 * routes look up with it. Whatever already holds the UDP port is taken to be
 * a responder and reused.
 */
export async function startUpstreamDns(options: UpstreamDnsOptions): Promise<EmbeddedProcess> {
  const logger = (options.logger ?? createLogger()).child({ component: 'upstream-dns' });
  const { host, port } = options.address;
  const address = hostPort(host, port);
  if (await udpPortTaken(host, port)) {
    logger.info({ address }, 'upstream dns port already bound; reusing the responder there');
    return borrowedProcess();
  }
  const stateDir = path.resolve(options.stateDir);
  fs.mkdirSync(stateDir, { recursive: true });
  const spawnOne = async () => {
    const child = await spawnToLog(process.execPath, [...responderCommand().args, address, stateDir], { logFile: options.logFile });
    const handle = ownedProcess(child, { name: 'upstream dns responder', graceMs: 5000, logger });
    try {
      await waitUntil(() => udpPortTaken(host, port), { what: `upstream dns responder at ${address}`, timeoutMs: options.readyTimeoutMs ?? 15_000, child, logFile: options.logFile });
    } catch (error) {
      await handle.stop();
      throw error;
    }
    logger.info({ childPid: child.pid, address, stateDir }, 'upstream dns responder ready');
    return { child, handle };
  };
  let current = await spawnOne();
  let stopping = false;
  const watch = (child: ChildProcess) =>
    child.once('exit', (code, signal) => {
      if (stopping || !options.restart) return;
      // Its only state is stateDir, so a new one answers exactly as the old did; meanwhile Caddy uses the routes' static upstreams.
      logger.warn({ childPid: child.pid, code, signal }, 'upstream dns responder exited; starting it again');
      setTimeout(() => {
        if (stopping) return;
        spawnOne().then(
          (next) => {
            // Stopped while this one started: it must not outlive the stop.
            if (stopping) return void next.handle.stop();
            current = next;
            watch(next.child);
          },
          (error: Error) => logger.error({ error: error.message }, 'upstream dns responder did not start again'),
        );
      }, 200).unref();
    });
  watch(current.child);
  return {
    get pid() {
      return current.handle.pid;
    },
    async stop() {
      stopping = true;
      await current.handle.stop();
    },
  };
}
