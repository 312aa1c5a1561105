import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import pino from 'pino';
import { assertEmbeddedPortsFree, berthPid, caddyPid, environOf, freshClone, npmStart, repoRoot, stopNpmStart } from '../support/npm-start';
import { readmeCommands, type ReadmeCommand } from '../support/readme-commands';
import { worldLogDir } from '../support/world';
import { isFinal } from '../../src/model/types';

const run = promisify(execFile);

/**
 * The README's "A first deploy", as a new user runs it: a fresh clone of this
 * checkout's last commit, `npm start` there (fresh embedded state, the embedded
 * default's own ports; the registry on 127.0.0.1:5000 and dockerd are the test
 * world's, which npm start finds answering), then the README's commands as written.
 */
describe("the README's first deploy", () => {
  const logger = pino({ level: 'info' }, pino.destination({ dest: path.join(worldLogDir, 'first-deploy-test.log'), mkdir: true, sync: true }));
  const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
  const commands: ReadmeCommand[] = readmeCommands(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'), 'A first deploy');
  let dir: string;
  let clone: string;
  let berth: ChildProcess | undefined;
  const deployments: string[] = [];
  const npmLog = path.join(worldLogDir, 'first-deploy-npm-start.log');

  const sh = async (command: string) => (await run('bash', ['-c', command], { cwd: clone, timeout: 30_000 })).stdout.trim();

  beforeAll(async () => {
    await assertEmbeddedPortsFree();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-first-deploy-'));
    clone = freshClone(dir);
    const started = await npmStart(clone, npmLog, 300_000);
    berth = started.child;
    console.log(`npm start on a fresh clone: berth up after ${started.startedMs} ms (setup check, tsc build, Temporal dev server, Caddy)`);
  });

  afterAll(async () => {
    if (berth) await stopNpmStart(berth, logger);
    // Only what this test's deploys made; the shared dockerd keeps everything else.
    for (const id of deployments) {
      const made = await docker.listContainers({ all: true, filters: { label: [`berth.deployment=${id}`] } });
      await Promise.all(made.map((container) => docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined)));
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deploys v2 with the three commands the README shows, with the outputs it shows', async () => {
    expect(commands).toHaveLength(3);
    const [request, status, through] = commands;

    const answer = JSON.parse(await sh(request.command));
    const shown = JSON.parse(request.output);
    expect(Object.keys(answer).sort()).toEqual(Object.keys(shown).sort());
    expect(answer).toEqual({ ...shown, id: expect.stringMatching(/^web-staging-/) });
    deployments.push(answer.id);

    // The README's id is an example: the user types the one they were given, and asks until the deploy ends.
    const statusCommand = status.command.replace(shown.id, answer.id);
    const deadline = Date.now() + 120_000;
    let record = JSON.parse(await sh(statusCommand));
    while (!isFinal(record.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      record = JSON.parse(await sh(statusCommand));
    }
    const field = (name: string) => new RegExp(`"${name}":"([^"]+)"`).exec(status.output)?.[1];
    expect(record).toMatchObject({ id: answer.id, kind: field('kind'), project: field('project'), environment: field('environment'), image: field('image'), requestedBy: field('requestedBy'), status: 'succeeded' });
    expect(record.status).toBe(field('status'));
    const stepNames = [...status.output.matchAll(/\{"name":"(\w+)"/g)].map((match) => match[1]);
    expect(record.steps.map((step: { name: string }) => step.name)).toEqual(stepNames);
    expect(record.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    expect(await sh(through.command)).toBe(through.output);

    // npm start changed no file of the checkout (the lockfile included): only ignored state under .berth/ and dist/.
    expect(await sh('git status --porcelain')).toBe('');
  });

  it('runs Berth with jemalloc, which gives the memory freed after bursts back', () => {
    const pid = berthPid(berth!);
    expect(pid).toBeDefined();
    expect(environOf(pid!, 'MALLOC_CONF')).toContain('background_thread:true');
    // Loaded, not only named: the library is mapped into Berth's process.
    expect(fs.readFileSync(`/proc/${pid}/maps`, 'utf8')).toMatch(/libjemalloc\.so\.2$/m);
    // The Caddy it started keeps its own allocator.
    const caddy = caddyPid(berth!);
    expect(caddy).toBeDefined();
    expect(environOf(caddy!, 'LD_PRELOAD')).toBeUndefined();
  });

  it('stops on SIGTERM, and stops everything it started (Temporal, Caddy, the upstream responder) itself', async () => {
    const leftovers = await stopNpmStart(berth!, logger);
    berth = undefined;
    expect(leftovers).toEqual([]);
    const log = fs.readFileSync(npmLog, 'utf8');
    expect(log).toContain('"msg":"shutting down"');
    expect(log).not.toMatch(/IllegalStateError|berth failed|unhandled/i);
  });
});
