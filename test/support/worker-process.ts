import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/**
 * Starts `src/main.ts worker` as its own process with the config file
 * `configFile`, logging to `logFile`, and waits until it says it is up
 * (bounded). `node --import tsx`, not the tsx CLI: one process, so a SIGKILL
 * reaches the worker itself.
 */
export async function startWorkerProcess(configFile: string, logFile: string): Promise<ChildProcess> {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts'), 'worker'], {
    cwd: root,
    env: { ...process.env, BERTH_CONFIG: configFile, BERTH_LOG_LEVEL: 'info' },
    stdio: ['ignore', log, log],
  });
  const deadline = Date.now() + 90_000;
  const up = () => readFileSync(logFile, 'utf8').split('\n').some((line) => line.includes(`"pid":${child.pid},`) && line.includes('berth is up'));
  while (!up()) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not come up: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return child;
}
