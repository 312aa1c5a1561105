import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

/**
 * A time-skipping Temporal test server of its own for one test file: timers of
 * hours pass in milliseconds while the test waits on a workflow's result.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    // The SDK prints every worker start and stop, and warns that the test server is not a full server.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } } });
    runtimeInstalled = true;
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath() } } });
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.keys(berthSearchAttributes).map((name) => [name, keyword])),
  });
  return env;
}
