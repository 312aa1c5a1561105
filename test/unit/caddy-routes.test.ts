import { formatListen } from '../../src/model/listen';
import { buildRoute, buildServer, routeId, upstreamsOf } from '../../src/proxy/caddy/caddy-routes';

const target = { project: 'web', environment: 'staging', hostname: 'web.staging.localhost' };

describe('caddy routes', () => {
  it('builds the route Berth owns for an environment, naming its upstreams in a header', () => {
    expect(buildRoute(target, ['127.0.0.1:21004'])).toEqual({
      '@id': 'berth_web_staging',
      match: [{ host: ['web.staging.localhost'] }],
      handle: [
        { handler: 'headers', response: { set: { 'X-Berth-Upstream': ['127.0.0.1:21004'] }, deferred: true } },
        {
          handler: 'reverse_proxy',
          upstreams: [{ dial: '127.0.0.1:21004' }],
          transport: { protocol: 'http', dial_timeout: '2s' },
        },
      ],
      terminal: true,
    });
  });

  it('sends to every upstream of a list', () => {
    const route = buildRoute(target, ['127.0.0.1:21004', '127.0.0.1:21005']);
    expect(route.handle[0]).toEqual({ handler: 'headers', response: { set: { 'X-Berth-Upstream': ['127.0.0.1:21004, 127.0.0.1:21005'] }, deferred: true } });
    expect(upstreamsOf(route)).toEqual(['127.0.0.1:21004', '127.0.0.1:21005']);
  });

  it('makes route ids safe for Caddy paths', () => {
    expect(routeId({ project: 'my-app', environment: 'pr-12' })).toBe('berth_my_app_pr_12');
  });

  it('builds a plain-HTTP server when tls is off', () => {
    expect(buildServer({ listen: '127.0.0.1:8088', tls: 'off' })).toEqual({
      listen: ['127.0.0.1:8088'],
      routes: [],
      automatic_https: { disable: true },
    });
    expect(buildServer({ listen: ':443', tls: 'auto' })).toEqual({ listen: [':443'], routes: [] });
  });

  it('reads the upstreams back from a route and ignores foreign shapes', () => {
    expect(upstreamsOf(buildRoute(target, ['127.0.0.1:21001']))).toEqual(['127.0.0.1:21001']);
    expect(upstreamsOf({ handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: '10.0.0.1:80' }] }] })).toEqual(['10.0.0.1:80']);
    expect(upstreamsOf({ handle: [{ handler: 'file_server' }] })).toBeUndefined();
    expect(upstreamsOf(null)).toBeUndefined();
  });

  it('brackets IPv6 listen addresses', () => {
    expect(formatListen({ host: '::1', port: 8088 })).toBe('[::1]:8088');
    expect(formatListen({ host: '127.0.0.1', port: 8088 })).toBe('127.0.0.1:8088');
  });
});
