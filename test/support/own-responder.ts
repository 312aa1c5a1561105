import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EmbeddedProcess } from '../../src/embedded/child-process';
import { startUpstreamDns } from '../../src/embedded/upstream-dns';
import { freeLoopbackPort } from './free-port';

/**
 * An upstream responder of a test file's own (free loopback port, temporary
 * state directory), so the file can stop and restart it without touching the
 * test world's; stopped by PID in `remove()`.
 */
export class OwnResponder {
  readonly stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-upstream-dns-'));
  address!: { host: string; port: number };
  private process?: EmbeddedProcess;

  constructor(private readonly options: { restart?: boolean } = {}) {}

  get pid(): number | null | undefined {
    return this.process?.pid;
  }

  async start(): Promise<this> {
    this.address ??= { host: '127.0.0.1', port: await freeLoopbackPort() };
    this.process = await startUpstreamDns({ address: this.address, stateDir: this.stateDir, logFile: path.join(this.stateDir, 'responder.log'), restart: this.options.restart });
    return this;
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }

  /** `upstreamDns` for a Caddy proxy config. */
  config(): { address: string; stateDir: string } {
    return { address: `${this.address.host}:${this.address.port}`, stateDir: this.stateDir };
  }

  async remove(): Promise<void> {
    await this.stop();
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}
