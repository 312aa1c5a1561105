import type { PassThrough } from 'node:stream';

/** Splits a byte stream into lines, long lines cut at 4 KiB, the last partial line flushed at the end. */
export function lines(stream: PassThrough, onLine: (line: string) => void): Promise<void> {
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1 || pending.length > 4096) {
      const end = newline === -1 ? 4096 : newline;
      onLine(pending.slice(0, end).replace(/\r$/, ''));
      pending = pending.slice(newline === -1 ? end : end + 1);
    }
  });
  return new Promise((resolve) =>
    stream.on('end', () => {
      if (pending) onLine(pending);
      resolve();
    }),
  );
}
