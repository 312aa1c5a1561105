import type { ChildProcess } from 'node:child_process';

/** Polls probe until it answers true; fails early when the child it waits for exits. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: { what: string; timeoutMs: number; intervalMs?: number; child?: ChildProcess; logFile?: string },
): Promise<void> {
  const started = Date.now();
  const seeLog = options.logFile ? `; see ${options.logFile}` : '';
  for (;;) {
    if (await probe()) return;
    const { child } = options;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${options.what}: process exited (${child.exitCode ?? child.signalCode}) before it was ready${seeLog}`);
    }
    if (Date.now() - started >= options.timeoutMs) {
      throw new Error(`${options.what}: not ready within ${options.timeoutMs} ms${seeLog}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
