import { formatEventLine } from '../../src/cli/format';
import { runCli } from '../../src/cli/run';
import { readSse } from '../../src/cli/sse';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { env, stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } });
  return { code, stdout, stderr };
}

describe('readSse', () => {
  it('reads messages split anywhere across chunks, skipping comments', async () => {
    const messages = await collect(readSse(chunks('retry: 2000\n: hello\n\nid: 1\nev', 'ent: step\ndata: {"a":', '1}\n\n: heartbeat\n\nevent: end\r\ndata: {}\r\n\r\n')));
    expect(messages).toEqual([
      { id: '1', event: 'step', data: '{"a":1}' },
      { id: undefined, event: 'end', data: '{}' },
    ]);
  });
});

describe('formatEventLine', () => {
  it('writes plain lines without a terminal, and colours the status on one', () => {
    const step = { id: 3, at: '2025-01-02T03:04:05.678Z', type: 'step' as const, step: 'health' as const, status: 'failed' as const, message: 'health failed: answered 500' };
    expect(formatEventLine(step, false)).toBe('03:04:05 health      failed: answered 500');
    expect(formatEventLine(step, true)).toBe('03:04:05 health      \x1b[31mfailed: answered 500\x1b[0m');
    expect(formatEventLine({ ...step, type: 'log', message: 'listening on 21004' }, false)).toBe('03:04:05 health      | listening on 21004');
    expect(formatEventLine({ ...step, message: 'health failed: 404\n--- container log (tail) ---\nboom' }, false)).toBe('03:04:05 health      failed: 404');
  });
});

describe('berth (usage)', () => {
  const env = { BERTH_URL: 'http://127.0.0.1:9', BERTH_TOKEN: 't' };

  it('exits 2 for usage and configuration errors, before calling Berth', async () => {
    expect(await cli([])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: berth <command>') });
    expect(await cli(['deploy', '--project', 'web', '--environment', 'staging', '--tag', 'v1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('set BERTH_URL') });
    expect(await cli(['deploy', '--project', 'web', '--environment', 'staging', '--tag', 'v1'], { BERTH_URL: 'http://x' })).toMatchObject({ code: 2, stderr: expect.stringContaining('set BERTH_TOKEN') });
    expect(await cli(['deploy', '--project', 'web', '--environment', 'staging'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('give exactly one of --tag or --image') });
    expect(await cli(['deploy', '--project', 'web', '--environment', 'staging', '--tag', 'v1', '--timeout', '5m'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--timeout needs --wait') });
    expect(await cli(['deploy', '--project', 'web', '--environment', 'staging', '--tag', 'v1', '--wait', '--timeout', 'soon'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('"soon" is not a duration') });
    expect(await cli(['approve'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('berth approve takes <id>, got none') });
    expect(await cli(['launch'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "launch"') });
    expect(await cli(['status', 'x', '--verbose'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--verbose'") });
  });

  it('exits 1 when Berth cannot be reached, and 0 for help', async () => {
    expect(await cli(['status', 'web-staging-x'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('Berth is not reachable at http://127.0.0.1:9') });
    expect(await cli(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('exit codes: 0 succeeded') });
  });
});
