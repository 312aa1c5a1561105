import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The fixture app run the way a `docker compose` user runs it: one service on
 * host networking on a fixed loopback port, recreated by `docker-compose up -d`
 * with a new image. The benchmark's comparison point.
 */
export class ComposeApp {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-compose-'));
  private readonly project = 'berthbench';

  constructor(readonly port: number) {
    fs.writeFileSync(
      path.join(this.dir, 'docker-compose.yml'),
      ['version: "2.4"', 'services:', '  web:', '    image: ${IMAGE}', '    network_mode: host', '    environment:', `      PORT: "${port}"`, ''].join('\n'),
    );
  }

  /** `docker-compose up -d` with `image`; resolves when the command returns. */
  up(image: string): Promise<void> {
    return this.run(['up', '-d'], image);
  }

  async down(): Promise<void> {
    await this.run(['down', '--timeout', '1'], 'unused');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  // Asynchronous, so the benchmark's proxy poller keeps running while compose works.
  private run(args: string[], image: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('docker-compose', ['-p', this.project, ...args], { cwd: this.dir, env: { ...process.env, IMAGE: image }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill(), 120_000);
      child.on('error', (error) => reject(new Error(`docker-compose could not start (apt-get install -y docker-compose): ${error.message}`)));
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`docker-compose ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      });
    });
  }
}
