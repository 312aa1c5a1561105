import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { berthSearchAttributes } from '../../src/embedded/start-embedded';

const root = join(__dirname, '..', '..');

/** Where scripts/setup.sh put the Java test server the pom pins. */
export function testServerPath(): string {
  const pom = readFileSync(join(root, 'scripts', 'temporal-test-server', 'pom.xml'), 'utf8');
  const version = /<version>(1\.[0-9.]+)<\/version>/.exec(pom)?.[1];
  const path = join(process.env.BERTH_CACHE ?? join(homedir(), '.cache', 'berth'), 'temporal-test-server', String(version), 'temporal-test-server');
  if (!existsSync(path)) throw new Error(`no Temporal test server at ${path}; run: bash scripts/setup.sh test`);
  return path;
}

let runtimeInstalled = false;

/** The SDK prints every worker start and stop, and warns that the test server is not a full server. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } } });
  runtimeInstalled = true;
}

/**
 * The client pings every 30 s; the test server (grpc-java) allows one ping per
 * 5 minutes, answers more with GOAWAY, and a long poll then stalls for a minute.
 */
const slowKeepalive = {
  name: 'berth-test-keepalive',
  configureConnection: (options: ConnectionOptions): ConnectionOptions => ({ ...options, channelArgs: { ...options.channelArgs, 'grpc.keepalive_time_ms': 600_000 } }),
};

/**
 * A time-skipping Temporal test server of its own for one test file: timers of
 * hours pass in milliseconds while the test waits on a workflow's result.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath() } }, plugins: [slowKeepalive] });
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.keys(berthSearchAttributes).map((name) => [name, keyword])),
  });
  return env;
}
