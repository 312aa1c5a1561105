import { buildRoute, buildServer, formatListen, routeId, upstreamOf } from '../../src/proxy/caddy-routes';

describe('caddy routes', () => {
  it('builds the route Berth owns for an environment', () => {
    expect(buildRoute({ project: 'web', environment: 'staging', hostname: 'web.staging.localhost', upstream: '127.0.0.1:21004' })).toEqual({
      '@id': 'berth_web_staging',
      match: [{ host: ['web.staging.localhost'] }],
      handle: [
        {
          handler: 'reverse_proxy',
          upstreams: [{ dial: '127.0.0.1:21004' }],
          transport: { protocol: 'http', dial_timeout: '2s' },
        },
      ],
      terminal: true,
    });
  });

  it('makes route ids safe for Caddy paths', () => {
    expect(routeId('my-app', 'pr-12')).toBe('berth_my_app_pr_12');
  });

  it('builds a plain-HTTP server when tls is off', () => {
    expect(buildServer({ listen: '127.0.0.1:8088', tls: 'off' })).toEqual({
      listen: ['127.0.0.1:8088'],
      routes: [],
      automatic_https: { disable: true },
    });
    expect(buildServer({ listen: ':443', tls: 'auto' })).toEqual({ listen: [':443'], routes: [] });
  });

  it('reads the upstream back from a route and ignores foreign shapes', () => {
    const route = buildRoute({ project: 'web', environment: 'staging', hostname: 'h', upstream: '127.0.0.1:21001' });
    expect(upstreamOf(route)).toBe('127.0.0.1:21001');
    expect(upstreamOf({ handle: [{ handler: 'file_server' }] })).toBeUndefined();
    expect(upstreamOf(null)).toBeUndefined();
  });

  it('brackets IPv6 listen addresses', () => {
    expect(formatListen({ host: '::1', port: 8088 })).toBe('[::1]:8088');
    expect(formatListen({ host: '127.0.0.1', port: 8088 })).toBe('127.0.0.1:8088');
  });
});
