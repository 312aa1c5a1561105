import { execFile } from 'node:child_process';

export interface CommandResult {
  ok: boolean;
  /** stderr then stdout, trimmed: nginx writes its verdict to stderr. */
  output: string;
}

/** Runs argv as given (no shell), so `sudo`, `systemctl` and `docker exec` forms work unchanged. */
export function runCommand(argv: string[], timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: timeoutMs }, (error, stdout, stderr) => {
      const output = [stderr, stdout].map((text) => String(text).trim()).filter(Boolean).join('\n');
      if (!error) return resolve({ ok: true, output });
      const why = error.killed ? `killed after ${timeoutMs}ms` : (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${argv[0]} not found` : `exit code ${error.code}`;
      resolve({ ok: false, output: output || `${argv.join(' ')}: ${why}` });
    });
  });
}

const chains = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key, so two reloads of one nginx never race. */
export function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  chains.set(key, next);
  void next.finally(() => chains.get(key) === next && chains.delete(key)).catch(() => undefined);
  return next;
}
