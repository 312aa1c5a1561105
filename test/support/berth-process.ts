import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
export const distMain = path.join(root, 'dist', 'main.js');
const startScript = path.join(root, 'scripts', 'start-berth.sh');

function newestMtime(dir: string): number {
  return Math.max(
    0,
    ...fs.readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? newestMtime(file) : fs.statSync(file).mtimeMs;
    }),
  );
}

/** `npm run build` (tsc, then the workflow bundles), skipped when dist/ is newer than every source file. */
export function buildDist(): void {
  if (fs.existsSync(distMain) && fs.statSync(distMain).mtimeMs >= newestMtime(path.join(root, 'src'))) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  // tsc leaves an unchanged main.js untouched; mark the build as current.
  const now = new Date();
  fs.utimesSync(distMain, now, now);
}

/** One `node dist/main.js <role>` OS process (through scripts/start-berth.sh with `startScript`), as compose (`worker`, `api`) or `npm start` (`all`) runs it; killed by its PID. */
export class BerthProcess {
  private child?: ChildProcess;

  constructor(
    readonly role: 'worker' | 'api' | 'all',
    private readonly options: {
      configFile: string;
      logFile: string;
      env?: NodeJS.ProcessEnv;
      args?: string[];
      nodeArgs?: string[];
      /** Through scripts/start-berth.sh, as `npm start` runs it (its allocator); nodeArgs then go in NODE_OPTIONS. */
      startScript?: boolean;
    },
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it and waits (bounded) until it logs that it is up. */
  async start(timeoutMs = 120_000): Promise<this> {
    const fd = fs.openSync(this.options.logFile, 'a');
    const env: NodeJS.ProcessEnv = { ...process.env, BERTH_CONFIG: this.options.configFile, BERTH_LOG_LEVEL: 'info', ...this.options.env };
    const berthArgs = [this.role, ...(this.options.args ?? [])];
    const nodeArgs = this.options.nodeArgs ?? [];
    const [command, args] = this.options.startScript ? ['bash', [startScript, ...berthArgs]] : [process.execPath, [...nodeArgs, distMain, ...berthArgs]];
    if (this.options.startScript && nodeArgs.length) env.NODE_OPTIONS = [env.NODE_OPTIONS, ...nodeArgs].filter(Boolean).join(' ');
    const child = spawn(command, args, {
      cwd: path.dirname(this.options.configFile),
      env,
      stdio: ['ignore', fd, fd],
    });
    fs.closeSync(fd);
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    const up = () => fs.readFileSync(this.options.logFile, 'utf8').split('\n').some((line) => line.includes(`"pid":${child.pid},`) && line.includes('berth is up'));
    while (!up()) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`berth ${this.role} did not come up: ${fs.readFileSync(this.options.logFile, 'utf8').slice(-2000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this;
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: a graceful stop. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
