import type { ProxyConfig } from '../config/proxy-schema';
import { resolveSecret } from '../config/secrets';
import type { Logger } from '../logger';
import { CaddyDriver } from '../proxy/caddy/caddy-driver';
import type { ProxyDriver } from '../proxy/driver';
import { NginxDriver } from '../proxy/nginx/nginx-driver';
import { NpmDriver } from '../proxy/npm/npm-driver';

/** The one place that knows every driver; `where` names the config path for messages. */
export function createProxyDriver(config: ProxyConfig, options: { log: Logger; env: NodeJS.ProcessEnv; where: string }): ProxyDriver {
  switch (config.driver) {
    case 'caddy':
      return new CaddyDriver(config, options.log);
    case 'nginx':
      return new NginxDriver(config, options.log, options.where);
    case 'npm':
      return new NpmDriver(config, options.log, (ref) => resolveSecret(ref, options.env));
  }
}
