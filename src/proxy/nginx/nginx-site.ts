/**
 * Pure: the one file Berth writes per environment into nginx's confDir, and
 * how Berth recognises its own files again (their name and first line).
 */
import { markerValue, routeSuffix, type RouteKey, type RouteTarget } from '../driver';

export const nginxMarkerHeader = 'X-Berth-Upstream';
const ownerLine = '# berth-route';

export interface NginxSite {
  target: RouteTarget;
  upstreams: string[];
  /** `127.0.0.1:8088` */
  listen: string;
  /** Idle connections each worker keeps open to the upstreams. */
  keepalive: number;
}

export function siteFileName(key: RouteKey): string {
  return `berth-${routeSuffix(key)}.conf`;
}

export const siteFilePattern = /^berth-[a-z0-9-]+\.conf$/;

function upstreamName(key: RouteKey): string {
  return `berth_${routeSuffix(key)}`.replace(/-/g, '_');
}

export function renderSite(site: NginxSite): string {
  const { target, upstreams } = site;
  const name = upstreamName(target);
  return [
    `${ownerLine} project=${target.project} environment=${target.environment} hostname=${target.hostname}`,
    '# Written by Berth and replaced on every switch; edits here are lost.',
    `upstream ${name} {`,
    ...upstreams.map((upstream) => `    server ${upstream};`),
    `    keepalive ${site.keepalive};`,
    '}',
    '',
    'server {',
    `    listen ${site.listen};`,
    `    server_name ${target.hostname};`,
    '',
    '    location / {',
    `        proxy_pass http://${name};`,
    // Keep-alive to the upstreams needs HTTP/1.1 and no "Connection: close" from the client.
    '        proxy_http_version 1.1;',
    '        proxy_set_header Connection "";',
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Real-IP $remote_addr;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
    // Names the upstreams in every answer, so a probe can tell this file's route from the one it replaced.
    `        add_header ${nginxMarkerHeader} "${markerValue(upstreams)}" always;`,
    '    }',
    '}',
    '',
  ].join('\n');
}

/** Berth's own file: its hostname and upstreams; undefined for any file Berth did not write. */
export function parseSite(text: string): { hostname: string; upstreams: string[] } | undefined {
  const first = text.split('\n', 1)[0];
  if (!first.startsWith(`${ownerLine} `)) return undefined;
  const hostname = /hostname=(\S+)/.exec(first)?.[1];
  const block = /upstream \S+ \{([^}]*)\}/.exec(text)?.[1] ?? '';
  const upstreams = [...block.matchAll(/^\s*server (\S+);/gm)].map((match) => match[1]);
  return hostname && upstreams.length ? { hostname, upstreams } : undefined;
}
