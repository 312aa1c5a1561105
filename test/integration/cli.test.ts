import { execFile } from 'node:child_process';
import path from 'node:path';
import { Harness, tokens } from '../support/berth-harness';

const root = path.resolve(__dirname, '..', '..');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `berth` command as CI would, as a separate process (asynchronously:
 * this process runs Berth's worker, which must keep working meanwhile).
 */
function berthCli(args: string[], env: Record<string, string>, entry = ['--require', 'tsx/cjs', 'src/cli/main.ts']): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...entry, ...args], { cwd: root, env: { PATH: process.env.PATH, ...env }, timeout: 120_000 }, (_error, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/** `berth deploy --wait` in CI: exit codes for each ending. */
describe('the berth CLI', () => {
  const berth = new Harness({ name: 'cli' });
  let env: Record<string, string>;

  beforeAll(async () => {
    await berth.start();
    env = { BERTH_URL: berth.apiUrl, BERTH_TOKEN: tokens.ops };
  });
  afterAll(() => berth.stop());

  it('exits 0 on succeeded, streaming the steps as plain lines', async () => {
    const run = await berthCli(['deploy', '--project', 'cli', '--environment', 'staging', '--tag', 'v2', '--commit', 'abc1234', '--wait', '--timeout', '2m'], env);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trim().split('\n');
    const id = lines[0].split(' ')[0];
    expect(lines[0]).toMatch(/^cli-staging-\S+ queued$/);
    expect(lines.at(-1)).toBe(`${id} succeeded`);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^\d\d:\d\d:\d\d pull {8}started$/), expect.stringMatching(/^\d\d:\d\d:\d\d switch {6}succeeded$/)]));
    expect(run.stdout).not.toContain('\x1b[');
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });

    const status = await berthCli(['status', id], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`id       ${id}\ntarget   cli/staging (deploy)\nstatus   succeeded`);
  });

  it('exits 1 with the reason when the deploy fails (an unhealthy image)', async () => {
    const run = await berthCli(['deploy', '--project', 'cli', '--environment', 'staging', '--tag', 'unhealthy', '--wait'], env);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/health {6}failed/);
    expect(run.stderr).toMatch(/^berth deploy: cli-staging-\S+ failed in health: .+\n$/);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
  });

  it('exits 3 when --timeout passes first; the deploy keeps running until cancelled', async () => {
    const run = await berthCli(['deploy', '--project', 'cli', '--environment', 'staging', '--tag', 'slow', '--wait', '--timeout', '1s'], env);

    expect(run.code).toBe(3);
    const id = run.stdout.split(' ')[0];
    expect(run.stderr).toContain(`berth deploy: gave up waiting: ${id} has not finished`);
    const cancel = await berthCli(['cancel', id], env);
    expect(cancel).toMatchObject({ code: 0, stdout: `${id} cancelling\n` });
    const waited = await berthCli(['wait', id, '--timeout', '1m'], env);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toMatch(new RegExp(`^berth wait: ${id} cancelled`));
  });

  it('exits 2 for a wrong token or an unknown project, and runs through bin/berth.js', async () => {
    const wrongToken = await berthCli(['deploy', '--project', 'cli', '--environment', 'staging', '--tag', 'v1'], { ...env, BERTH_TOKEN: 'nope' });
    expect(wrongToken).toMatchObject({ code: 2, stderr: 'berth deploy: the bearer token is not valid (HTTP 401)\n' });
    const unknown = await berthCli(['deploy', '--project', 'nope', '--environment', 'staging', '--tag', 'v1'], env);
    expect(unknown).toMatchObject({ code: 2, stderr: 'berth deploy: project "nope" is not configured (HTTP 404)\n' });
    const shim = await berthCli(['--help'], {}, ['bin/berth.js']);
    expect(shim).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: berth <command>') });
  });
});
