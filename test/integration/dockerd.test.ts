import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { ensureDockerd, type Dockerd, type DockerdOptions } from '../../src/embedded/dockerd';
import { createLogger } from '../../src/logger';

/**
 * A test run killed mid-teardown leaves its dockerd stopping, and the next
 * run's dockerd then exits at once ("pid file found"). CI met this: ensureDockerd
 * has to wait out a daemon that still holds the pidfile.
 */
// Unix socket paths must stay short, so the daemon's files live under /tmp.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-d3-'));
const lines: string[] = [];
const logger = createLogger({ name: 'dockerd-test' }, { write: (line: string) => void lines.push(line) });
const options: DockerdOptions = {
  socket: path.join(dir, 'docker.sock'),
  dataRoot: path.join(dir, 'data'),
  execRoot: path.join(dir, 'exec'),
  pidFile: path.join(dir, 'dockerd.pid'),
  logFile: path.join(dir, 'dockerd.log'),
  logger,
};
const daemons: Dockerd[] = [];

async function start(): Promise<Dockerd> {
  const daemon = await ensureDockerd(options);
  daemons.push(daemon);
  return daemon;
}

afterAll(async () => {
  for (const daemon of daemons.reverse()) await daemon.stop();
  const netns = path.join(dir, 'exec', 'netns', 'default');
  if (fs.existsSync(netns)) execFileSync('umount', ['-l', netns]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a dockerd still stopping is waited for, and the next one starts on the same pidfile', async () => {
  // What the next run meets after a run was killed mid-teardown: a live process named
  // dockerd holds the pidfile and nothing answers on the socket, until it exits.
  const stopping = path.join(dir, 'dockerd');
  fs.copyFileSync('/bin/sleep', stopping);
  fs.chmodSync(stopping, 0o755);
  const holder = spawn(stopping, ['2'], { stdio: 'ignore' });
  fs.writeFileSync(options.pidFile as string, String(holder.pid));

  const daemon = await start();

  expect(daemon.pid).not.toBeNull();
  expect(daemon.pid).not.toBe(holder.pid);
  expect(holder.exitCode).toBe(0);
  expect(await new Dockerode({ socketPath: options.socket }).ping()).toBeTruthy();
  expect(Number(fs.readFileSync(options.pidFile as string, 'utf8'))).toBe(daemon.pid);
  expect(lines.some((line) => line.includes('holds the pidfile; waiting for it to exit'))).toBe(true);
});

test('a pidfile naming a process that is not dockerd is removed rather than blocking the start', async () => {
  for (const daemon of daemons.splice(0)) await daemon.stop();
  // This test's own PID: alive, and not a dockerd.
  fs.writeFileSync(options.pidFile as string, String(process.pid));

  const daemon = await start();

  expect(daemon.pid).not.toBeNull();
  expect(Number(fs.readFileSync(options.pidFile as string, 'utf8'))).toBe(daemon.pid);
  expect(lines.some((line) => line.includes('removing a dockerd pidfile that names another process'))).toBe(true);
});
