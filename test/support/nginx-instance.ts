import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real Debian nginx of the test's own: its own prefix, config, pid file and
 * error log on loopback ports, never the system service or /etc/nginx. It runs
 * in the foreground as our child and is stopped by its PID.
 */
export class NginxInstance {
  readonly prefix: string;
  readonly confFile: string;
  readonly pidFile: string;
  readonly errorLog: string;
  private child?: ChildProcess;

  private constructor(name: string) {
    this.prefix = fs.mkdtempSync(path.join(os.tmpdir(), `berth-nginx-${name}-`));
    this.confFile = path.join(this.prefix, 'nginx.conf');
    this.pidFile = path.join(this.prefix, 'nginx.pid');
    this.errorLog = path.join(this.prefix, 'logs', 'error.log');
  }

  /** `http` holds lines for the http block (includes, maps); `port` must answer before start returns. */
  static async start(options: { name: string; http: string[]; port: number }): Promise<NginxInstance> {
    const nginx = new NginxInstance(options.name);
    fs.mkdirSync(path.join(nginx.prefix, 'logs'), { recursive: true });
    fs.mkdirSync(path.join(nginx.prefix, 'tmp'), { recursive: true });
    // Workers run as an unprivileged user and need to reach their temp paths.
    fs.chmodSync(nginx.prefix, 0o755);
    const temp = (name: string) => `${name}_temp_path ${path.join(nginx.prefix, 'tmp', name)};`;
    fs.writeFileSync(
      nginx.confFile,
      [
        'worker_processes 1;',
        // Old workers may finish in-flight requests for this long after a reload, then exit.
        'worker_shutdown_timeout 10s;',
        'events { worker_connections 512; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
        ...options.http.map((line) => `  ${line}`),
        '}',
        '',
      ].join('\n'),
    );
    const [command, ...args] = nginx.argv(`daemon off; pid ${nginx.pidFile};`);
    nginx.child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    nginx.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await answers(options.port))) {
      if (nginx.child.exitCode !== null || Date.now() > deadline) {
        await nginx.stop();
        throw new Error(`nginx did not listen on 127.0.0.1:${options.port} within 10000ms: ${stderr.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return nginx;
  }

  /** argv for this nginx with the given main-context directives. */
  argv(globals = `pid ${this.pidFile};`, ...extra: string[]): string[] {
    return ['nginx', '-p', `${this.prefix}/`, '-c', this.confFile, '-e', this.errorLog, '-g', globals, ...extra];
  }

  get pid(): number {
    return this.child!.pid!;
  }

  /** The worker PIDs: they change exactly when nginx reloads. */
  workers(): number[] {
    const out = execFileSync('ps', ['--ppid', String(this.pid), '-o', 'pid='], { encoding: 'utf8' });
    return out.split('\n').map((line) => Number(line.trim())).filter(Boolean).sort();
  }

  get testCommand(): string[] {
    return this.argv(undefined, '-t');
  }

  get reloadCommand(): string[] {
    return this.argv(undefined, '-s', 'reload');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.prefix, { recursive: true, force: true });
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
