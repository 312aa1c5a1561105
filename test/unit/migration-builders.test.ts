import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pgOptions } from '../../src/db/connect';
import { scrub, scrubError, secretsOfUrl } from '../../src/db/redact';
import { buildOneOffOptions } from '../../src/docker/one-off';
import { pack } from 'tar-stream';
import { readTar, TarFormatError } from '../../src/docker/tar-reader';
import { PermanentError } from '../../src/model/errors';

describe('buildOneOffOptions', () => {
  it('runs argv as the entrypoint with sorted env, labels and the host network', () => {
    expect(
      buildOneOffOptions({
        name: 'berth-web-staging-1-migrate',
        image: '127.0.0.1:5000/fixture/dbapp@sha256:abc',
        command: ['/app/migrate', 'up'],
        env: { PGOPTIONS: '-c lock_timeout=5000 -c statement_timeout=60000', DATABASE_URL: 'postgres://u:p@h/db' },
        network: 'host',
        labels: { 'berth.role': 'migration', 'berth.project': 'web' },
      }),
    ).toEqual({
      name: 'berth-web-staging-1-migrate',
      Image: '127.0.0.1:5000/fixture/dbapp@sha256:abc',
      Entrypoint: ['/app/migrate'],
      Cmd: ['up'],
      Env: ['DATABASE_URL=postgres://u:p@h/db', 'PGOPTIONS=-c lock_timeout=5000 -c statement_timeout=60000'],
      Labels: { 'berth.role': 'migration', 'berth.project': 'web' },
      Tty: false,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' } },
    });
  });
});

describe('pgOptions', () => {
  it('sets both timeouts in milliseconds', () => {
    expect(pgOptions({ lockTimeoutMs: 5_000, statementTimeoutMs: 60_000 })).toBe('-c lock_timeout=5000 -c statement_timeout=60000');
  });
});

describe('scrub', () => {
  const url = 'postgres://app:s3cr%2Ft@db.internal:5432/app';

  it('masks the URL, its password raw and decoded, and the user:password@ part', () => {
    expect(secretsOfUrl(url)).toEqual([url, 's3cr%2Ft', 's3cr/t', 'app:s3cr%2Ft@']);
    const secrets = secretsOfUrl(url);
    expect(scrub(`connecting to ${url}`, secrets)).toBe('connecting to [redacted]');
    expect(scrub('password s3cr/t and postgres://app:s3cr%2Ft@other/db', secrets)).toBe('password [redacted] and postgres://[redacted]other/db');
    expect(scrub('nothing to hide', secrets)).toBe('nothing to hide');
  });

  it('masks the whole string when it is not a URL', () => {
    expect(secretsOfUrl('host=db password=x')).toEqual(['host=db password=x']);
  });

  it('rebuilds an error only when it quotes a secret, keeping its permanence', () => {
    const secrets = secretsOfUrl(url);
    const clean = new Error('connection refused');
    expect(scrubError(clean, secrets)).toBe(clean);
    const leaky = scrubError(new PermanentError('X', `bad ${url}`), secrets);
    expect(leaky).toBeInstanceOf(PermanentError);
    expect([leaky.message, (leaky as PermanentError).code]).toEqual(['bad [redacted]', 'X']);
    expect(leaky.stack).not.toContain('s3cr');
  });
});

describe('readTar', () => {
  function tarOf(files: Record<string, string>, format: 'gnu' | 'pax' | 'ustar'): Buffer {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tar-test-'));
    try {
      for (const [name, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), content);
      }
      return execFileSync('tar', [`--format=${format}`, '--sort=name', '-C', root, '-cf', '-', 'migrations']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  const long = `${'x'.repeat(120)}.up.sql`;

  it.each(['gnu', 'pax', 'ustar'] as const)('reads files, directories and long names (%s)', async (format) => {
    const files = { 'migrations/001_a.up.sql': 'CREATE TABLE a ();\n', 'migrations/empty.sql': '', 'migrations/sub/002_b.up.sql': 'SELECT 2' };
    if (format !== 'ustar') Object.assign(files, { [`migrations/${long}`]: 'SELECT 3' });
    const entries = await readTar(tarOf(files, format));
    expect(entries.map((entry) => [entry.path.replace(/\/$/, ''), entry.type, entry.data.toString()])).toEqual([
      ['migrations', 'directory', ''],
      ['migrations/001_a.up.sql', 'file', 'CREATE TABLE a ();\n'],
      ['migrations/empty.sql', 'file', ''],
      ['migrations/sub', 'directory', ''],
      ['migrations/sub/002_b.up.sql', 'file', 'SELECT 2'],
      ...(format !== 'ustar' ? [[`migrations/${long}`, 'file', 'SELECT 3']] : []),
    ].sort((a, b) => a[0].localeCompare(b[0])));
  });

  it('refuses a corrupted header', async () => {
    const archive = tarOf({ 'migrations/001_a.up.sql': 'x' }, 'ustar');
    archive[0] ^= 0xff;
    await expect(readTar(archive)).rejects.toThrow(TarFormatError);
  });

  it("streams a tar-stream pack, with a migration path over 100 characters (a PAX header), holding only the files it keeps", async () => {
    const deep = `migrations/${'y'.repeat(110)}/002_b.up.sql`;
    const packed = pack();
    packed.entry({ name: 'migrations', type: 'directory' });
    packed.entry({ name: `migrations/${long}` }, 'SELECT 3');
    packed.entry({ name: deep }, 'SELECT 4');
    packed.entry({ name: 'migrations/current', type: 'symlink', linkname: long });
    packed.finalize();
    const chunks = (async function* () {
      for await (const chunk of packed) yield Buffer.from(chunk as Uint8Array);
    })();
    const entries = await readTar(chunks, (path) => !path.includes('y'.repeat(110)));
    expect(entries).toEqual([
      { path: 'migrations', type: 'directory', data: Buffer.alloc(0) },
      { path: `migrations/${long}`, type: 'file', data: Buffer.from('SELECT 3') },
      { path: deep, type: 'file', data: Buffer.alloc(0) },
      { path: 'migrations/current', type: 'symlink', data: Buffer.alloc(0), linkName: long },
    ]);
    expect(`migrations/${long}`.length).toBeGreaterThan(100);
  });

  it('passes on what the source failed with, not a format error', async () => {
    const failing = (async function* () {
      yield Buffer.alloc(512);
      throw new PermanentError('IMAGE_DIR_TOO_LARGE', '/migrations is larger than 512 bytes');
    })();
    await expect(readTar(failing)).rejects.toThrow(new PermanentError('IMAGE_DIR_TOO_LARGE', '/migrations is larger than 512 bytes'));
  });
});
