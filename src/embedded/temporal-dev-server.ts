import fs from 'node:fs';
import { Connection } from '@temporalio/client';
import { createLogger, type Logger } from '../logger';
import { ownedProcess, spawnToLog, type EmbeddedProcess } from './child-process';
import { hostPort, tcpAccepts } from './probes';
import { temporalBinaryPath } from './temporal-binary';
import { waitUntil } from './wait-until';

/** The value types `temporal server start-dev --search-attribute` accepts. */
export type SearchAttributeType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface TemporalDevServerOptions {
  ip: string;
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  namespace: string;
  searchAttributes?: Record<string, SearchAttributeType>;
  /** Berth's remote codec (`http://127.0.0.1:8080/codec`), so the Web UI shows decrypted payloads. */
  uiCodecEndpoint?: string;
  logFile: string;
  binaryPath?: string;
  readyTimeoutMs?: number;
  logger?: Logger;
}

/** A running Temporal dev server (frontend gRPC at `address`, Web UI at `uiUrl`). */
export interface TemporalDevServer extends EmbeddedProcess {
  address: string;
  uiUrl: string;
  namespace: string;
}

/** The command line for the dev server; pure, so it can be checked exactly. */
export function temporalDevServerArgs(options: TemporalDevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', options.ip, '--port', String(options.port), '--ui-port', String(options.uiPort)];
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const [name, type] of Object.entries(options.searchAttributes ?? {})) args.push('--search-attribute', `${name}=${type}`);
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  args.push('--log-level', 'warn');
  return args;
}

/** Ready means: the namespace answers and every requested search attribute is registered. */
async function namespaceUsable(options: TemporalDevServerOptions, address: string): Promise<boolean> {
  if (!(await tcpAccepts(options.ip, options.port))) return false;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2000 });
    await connection.workflowService.describeNamespace({ namespace: options.namespace });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: options.namespace });
    return Object.keys(options.searchAttributes ?? {}).every((name) => customAttributes?.[name] !== undefined);
  } catch {
    return false;
  } finally {
    await connection?.close();
  }
}

/** Starts `temporal server start-dev` and waits until its namespace is usable. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const logger = (options.logger ?? createLogger()).child({ component: 'temporal' });
  const binary = options.binaryPath ?? temporalBinaryPath();
  if (!fs.existsSync(binary)) throw new Error(`Temporal CLI not found at ${binary}; run: bash scripts/setup.sh runtime`);
  const address = hostPort(options.ip, options.port);
  if (await tcpAccepts(options.ip, options.port)) throw new Error(`cannot start Temporal: ${address} is already in use`);

  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const startedAt = Date.now();
  const child = await spawnToLog(binary, temporalDevServerArgs(options), { logFile: options.logFile });
  const handle = ownedProcess(child, { name: 'temporal dev server', graceMs: 10_000, logger });
  try {
    await waitUntil(() => namespaceUsable(options, address), {
      what: `Temporal dev server at ${address} (namespace ${options.namespace})`,
      timeoutMs: readyTimeoutMs,
      intervalMs: 200,
      child,
      logFile: options.logFile,
    });
  } catch (error) {
    await handle.stop();
    throw error;
  }
  const uiUrl = `http://${hostPort(options.ip, options.uiPort)}`;
  logger.info({ childPid: child.pid, address, uiUrl, namespace: options.namespace, readyMs: Date.now() - startedAt }, 'temporal dev server ready');
  return { ...handle, address, uiUrl, namespace: options.namespace };
}
