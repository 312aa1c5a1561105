import fs from 'node:fs';
import path from 'node:path';

/** The proxy host row as NPM v2.15 stores and returns it (backend/schema/components/proxy-host-object.json). */
export interface ProxyHostRow {
  id: number;
  created_on: string;
  modified_on: string;
  owner_user_id: number;
  domain_names: string[];
  forward_scheme: 'http' | 'https';
  forward_host: string;
  forward_port: number;
  access_list_id: number;
  certificate_id: number;
  ssl_forced: boolean;
  caching_enabled: boolean;
  block_exploits: boolean;
  advanced_config: string;
  meta: Record<string, unknown>;
  allow_websocket_upgrade: boolean;
  http2_support: boolean;
  enabled: boolean;
  locations: Array<{ path: string; forward_scheme: string; forward_host: string; forward_port: number; forward_path?: string; advanced_config?: string }>;
  hsts_enabled: boolean;
  hsts_subdomains: boolean;
  trust_forwarded_proto: boolean;
}

const websocket = ['proxy_set_header Upgrade $http_upgrade;', 'proxy_set_header Connection $http_connection;', 'proxy_http_version 1.1;'];

/**
 * NPM's templates/proxy_host.conf (with _listen.conf and _location.conf) for a
 * host without certificate, rendered for Debian's nginx 1.22: `listen` is the
 * stand-in's loopback port, and the `http2 off;` line (nginx >= 1.25.1) is left out.
 */
export function renderProxyHost(host: ProxyHostRow, options: { listen: string; nginxDir: string }): string {
  const logDir = path.join(options.nginxDir, 'logs');
  // NPM's own rule (internal/nginx.js): an advanced config or custom location with `location /` replaces the default one.
  const ownDefault = /^(?:.*;)?\s*?location\s*?\/\s*?{/im.test(host.advanced_config) || host.locations.some((location) => location.path === '/');
  const locations = host.locations.map((location) =>
    [
      `  location ${location.path} {`,
      `    ${location.advanced_config ?? ''}`,
      '    proxy_set_header Host $host;',
      '    proxy_set_header X-Forwarded-Scheme $scheme;',
      '    proxy_set_header X-Forwarded-Proto  $scheme;',
      '    proxy_set_header X-Forwarded-For    $remote_addr;',
      '    proxy_set_header X-Real-IP\t\t$remote_addr;',
      `    proxy_pass       ${location.forward_scheme}://${location.forward_host}:${location.forward_port}${location.forward_path ?? ''};`,
      '  }',
    ].join('\n'),
  );
  return [
    '# ------------------------------------------------------------',
    `# ${host.domain_names.join(', ')}`,
    '# ------------------------------------------------------------',
    '',
    'map $scheme $hsts_header {',
    '    https   "max-age=63072000; preload";',
    '}',
    '',
    'server {',
    `  set $forward_scheme ${host.forward_scheme};`,
    `  set $server         "${host.forward_host}";`,
    `  set $port           ${host.forward_port};`,
    '',
    `  listen ${options.listen};`,
    `  server_name ${host.domain_names.join(' ')};`,
    ...(host.allow_websocket_upgrade ? websocket : []),
    '',
    `  access_log ${path.join(logDir, `proxy-host-${host.id}_access.log`)};`,
    `  error_log ${path.join(logDir, `proxy-host-${host.id}_error.log`)} warn;`,
    '',
    host.advanced_config,
    '',
    ...locations,
    '',
    ...(ownDefault
      ? []
      : ['  location / {', ...(host.allow_websocket_upgrade ? websocket.map((line) => `    ${line}`) : []), '    # Proxy!', `    include ${path.join(options.nginxDir, 'include', 'proxy.conf')};`, '  }']),
    '}',
    '',
  ].join('\n');
}

/**
 * conf.d/include/proxy.conf, the http-level maps of NPM's nginx.conf that the template relies on,
 * and NPM's default site (conf.d/default.conf) answering hostnames no proxy host serves.
 */
export function writeNpmIncludes(nginxDir: string, listen: string): string[] {
  fs.mkdirSync(path.join(nginxDir, 'include'), { recursive: true });
  fs.mkdirSync(path.join(nginxDir, 'proxy_host'), { recursive: true });
  fs.mkdirSync(path.join(nginxDir, 'logs'), { recursive: true });
  fs.writeFileSync(
    path.join(nginxDir, 'include', 'proxy.conf'),
    [
      'add_header       X-Served-By $host;',
      'proxy_set_header Host $host;',
      'proxy_set_header X-Forwarded-Scheme $x_forwarded_scheme;',
      'proxy_set_header X-Forwarded-Proto  $x_forwarded_proto;',
      'proxy_set_header X-Forwarded-For    $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Real-IP          $remote_addr;',
      'proxy_pass       $forward_scheme://$server:$port$request_uri;',
      '',
    ].join('\n'),
  );
  return [
    'proxy_http_version 1.1;',
    'map $http_x_forwarded_proto $x_forwarded_proto { "http" "http"; "https" "https"; default $scheme; }',
    'map $http_x_forwarded_scheme $x_forwarded_scheme { "http" "http"; "https" "https"; default $scheme; }',
    `server { listen ${listen} default_server; server_name localhost; return 404; }`,
    `include ${path.join(nginxDir, 'proxy_host')}/*.conf;`,
  ];
}
