import { isIP } from 'node:net';
import { z } from 'zod';
import { hostPort, name, secretRef } from './fields';

const command = z.array(z.string().min(1)).min(1, 'should name a command and its arguments');

const caddySchema = z.strictObject({
  driver: z.literal('caddy'),
  adminUrl: z.url().default('http://127.0.0.1:2019'),
  listen: hostPort.default({ host: '127.0.0.1', port: 8088 }),
  tls: z.enum(['off', 'auto']).default('off'),
  server: name.default('berth'),
  /**
   * Switch routes through Berth's upstream responder (a small DNS server
   * started beside Caddy) instead of rewriting them: Caddy's servers never
   * restart at a switch, so no kept-alive connection is closed.
   */
  upstreamDns: z
    .strictObject({
      /** Where the responder listens (UDP); Caddy dials it, so an IP address. */
      address: hostPort.refine((value) => isIP(value.host) !== 0, 'should be an IP address and port'),
      /** The responder's state: one file per route, written by the worker, read by the responder. */
      stateDir: z.string().min(1, 'should name a directory'),
    })
    .optional(),
});

const nginxSchema = z.strictObject({
  driver: z.literal('nginx'),
  /** The `listen` of the servers Berth writes; probes through the proxy go here. */
  listen: hostPort.default({ host: '127.0.0.1', port: 8088 }),
  /** Berth writes one file per environment here and nothing anywhere else. */
  confDir: z.string().startsWith('/', 'should be an absolute path'),
  /** Run as given (argv), so sudo, systemctl or docker exec forms work. */
  test: command.default(['nginx', '-t']),
  reload: command.default(['nginx', '-s', 'reload']),
  keepalive: z.number().int().min(1).max(1024).default(16),
});

const npmSchema = z.strictObject({
  driver: z.literal('npm'),
  url: z.url(),
  /** Nginx Proxy Manager's login, as secret references resolved inside activities. */
  identity: secretRef,
  secret: secretRef,
  /** Where NPM's nginx serves plain HTTP; probes through the proxy go here. */
  listen: hostPort.default({ host: '127.0.0.1', port: 80 }),
});

/**
 * The proxy Berth drives, by `driver`. Without a `driver`, the Caddy
 * defaults apply, as before drivers existed.
 */
export const proxySchema = z.preprocess(
  (raw) => (raw && typeof raw === 'object' && !Array.isArray(raw) && !('driver' in raw) ? { ...raw, driver: 'caddy' } : raw),
  z.discriminatedUnion('driver', [caddySchema, nginxSchema, npmSchema], {
    error: (issue) => (issue.code === 'invalid_union' ? 'should be one of: caddy, nginx, npm' : undefined),
  }),
);

export type ProxyConfig = z.output<typeof proxySchema>;
export type CaddyProxyConfig = z.output<typeof caddySchema>;
export type NginxProxyConfig = z.output<typeof nginxSchema>;
export type NpmProxyConfig = z.output<typeof npmSchema>;
