import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, unlink, writeFile, access, constants } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatListen } from '../../model/listen';
import { PermanentError } from '../../model/errors';
import type { Logger } from '../../logger';
import type { OwnedRoute, ProxyDriver, RouteTarget } from '../driver';
import { nginxMarkerHeader, parseSite, renderSite, siteFileName, siteFilePattern } from './nginx-site';
import { runCommand, serialised, type CommandResult } from './run-command';

/** nginx refused a configuration; the previous one keeps serving. */
export class NginxRefusedError extends PermanentError {
  constructor(what: string, output: string) {
    super('PROXY_REFUSED', `nginx -t refused ${what}; the previous configuration stays in place. nginx said:\n${output}`);
  }
}

/** What the nginx driver needs: the validated `proxy` section of that driver. */
export interface NginxDriverConfig {
  listen: { host: string; port: number };
  confDir: string;
  test: string[];
  reload: string[];
  keepalive: number;
}

/**
 * nginx through files: one file per environment in `confDir`, written
 * atomically, tested, then reloaded. Changes to one confDir are serialised,
 * since the worker for a host is one process.
 */
export class NginxDriver implements ProxyDriver {
  readonly kind = 'nginx';
  readonly listen: string;
  readonly ownership: string;
  readonly markerHeader = nginxMarkerHeader;

  constructor(
    private readonly config: NginxDriverConfig,
    private readonly log: Logger,
    private readonly where = 'proxy',
    private readonly run: (argv: string[]) => Promise<CommandResult> = runCommand,
  ) {
    this.listen = formatListen(config.listen);
    this.ownership = `files named berth-<project>-<environment>.conf in ${config.confDir} whose first line is "# berth-route ..."`;
  }

  async check(): Promise<void> {
    const dir = this.config.confDir;
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new Error(`${this.where}/confDir: ${dir} is not a directory; create it and add "include ${dir}/*.conf;" to the http block of nginx.conf`);
    }
    await access(dir, constants.W_OK).catch(() => {
      throw new Error(`${this.where}/confDir: ${dir} is not writable by this process`);
    });
  }

  async currentUpstreams(target: RouteTarget): Promise<string[] | undefined> {
    const text = await this.read(this.fileOf(target));
    return text === undefined ? undefined : parseSite(text)?.upstreams;
  }

  point(target: RouteTarget, upstreams: string[]): Promise<void> {
    const text = renderSite({ target, upstreams, listen: this.listen, keepalive: this.config.keepalive });
    return this.change(target, text, `${target.hostname} → ${upstreams.join(', ')}`);
  }

  remove(target: RouteTarget): Promise<void> {
    return this.change(target, undefined, `removing ${target.hostname}`);
  }

  async listOwned(): Promise<OwnedRoute[]> {
    const owned: OwnedRoute[] = [];
    for (const name of (await readdir(this.config.confDir)).filter((file) => siteFilePattern.test(file)).sort()) {
      const site = parseSite((await this.read(join(this.config.confDir, name))) ?? '');
      if (site) owned.push({ ref: join(this.config.confDir, name), ...site });
    }
    return owned;
  }

  /** Writes (or removes) the environment's file, tests, and reloads; on a refused test puts the previous file back and runs nothing else. */
  private change(target: RouteTarget, text: string | undefined, what: string): Promise<void> {
    const file = this.fileOf(target);
    return serialised(this.config.confDir, async () => {
      const previous = await this.read(file);
      if (previous === text) return;
      if (previous !== undefined && !parseSite(previous)) {
        throw new PermanentError('PROXY_FOREIGN', `${file} exists but Berth did not write it; Berth leaves it alone`);
      }
      await this.put(file, text);
      const test = await this.run(this.config.test);
      if (!test.ok) {
        await this.put(file, previous);
        throw new NginxRefusedError(what, test.output);
      }
      const reload = await this.run(this.config.reload);
      if (!reload.ok) {
        // Back to what nginx runs, so a retry writes, tests and reloads again.
        await this.put(file, previous);
        throw new Error(`nginx reload failed for ${what}: ${reload.output}`);
      }
      this.log.info({ file, what }, 'nginx reloaded');
    });
  }

  private fileOf(target: RouteTarget): string {
    return join(this.config.confDir, siteFileName(target));
  }

  private async read(file: string): Promise<string | undefined> {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** A temporary file in the same directory, then a rename: nginx never reads half a file. Its name does not match `*.conf`. */
  private async put(file: string, text: string | undefined): Promise<void> {
    if (text === undefined) {
      await unlink(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      return;
    }
    const temporary = `${dirname(file)}/.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, text, { mode: 0o644 });
    await rename(temporary, file);
  }
}
