import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { renderProxyHost, type ProxyHostRow } from './render';

/** How NPM v2.15 (backend/internal/nginx.js) writes, tests and reloads nginx for one proxy host. */
export class NpmNginx {
  breakNextRender = false;

  constructor(private readonly options: { listen: string; nginxDir: string; test: string[]; reload: string[] }) {}

  confFile(id: number): string {
    return path.join(this.options.nginxDir, 'proxy_host', `${id}.conf`);
  }

  async removeHost(id: number): Promise<void> {
    fs.rmSync(this.confFile(id), { force: true });
    await this.reload();
  }

  /** internal/nginx.js configure(): test, write, test again; on failure mark offline, keep the file as .err; reload. */
  async configure(row: ProxyHostRow): Promise<Record<string, unknown>> {
    await this.nginx(this.options.test);
    const file = this.confFile(row.id);
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.err`, { force: true });
    let text = renderProxyHost(row, this.options);
    if (this.breakNextRender) {
      this.breakNextRender = false;
      text = text.replace('server {', 'server {\n  proxy_pass_header_typo on;');
    }
    fs.writeFileSync(file, text);
    let meta: Record<string, unknown>;
    try {
      await this.nginx(this.options.test);
      meta = { ...row.meta, nginx_online: true, nginx_err: null };
    } catch (error) {
      meta = { ...row.meta, nginx_online: false, nginx_err: (error as Error).message };
      fs.renameSync(file, `${file}.err`);
    }
    await this.reload();
    return meta;
  }

  async reload(): Promise<void> {
    await this.nginx(this.options.test);
    await this.nginx(this.options.reload);
  }

  private nginx(argv: string[]): Promise<void> {
    return new Promise((resolve, reject) =>
      execFile(argv[0], argv.slice(1), (error, _stdout, stderr) => (error ? reject(new Error(String(stderr).trim() || error.message)) : resolve())),
    );
  }
}
