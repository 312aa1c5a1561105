import { formatListen } from '../../src/model/listen';
import { buildRoute, buildServer, dynamicNameOf, routeId, upstreamsOf } from '../../src/proxy/caddy/caddy-routes';

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

  it('builds a route that looks its upstreams up at the responder, keeping them as the fallback and naming the one that answered', () => {
    const dynamic = { name: 'berth_web_staging.berth.', resolver: '127.0.0.1:2053', refresh: '50ms' };
    const route = buildRoute(target, ['127.0.0.1:21004'], dynamic);
    expect(route).toEqual({
      '@id': 'berth_web_staging',
      match: [{ host: ['web.staging.localhost'] }],
      handle: [
        {
          handler: 'reverse_proxy',
          upstreams: [{ dial: '127.0.0.1:21004' }],
          dynamic_upstreams: { source: 'srv', name: 'berth_web_staging.berth.', refresh: '50ms', resolver: { addresses: ['udp/127.0.0.1:2053'] } },
          headers: { response: { set: { 'X-Berth-Upstream': ['{http.reverse_proxy.upstream.hostport}'] } } },
          transport: { protocol: 'http', dial_timeout: '2s', resolver: { addresses: ['udp/127.0.0.1:2053'] } },
        },
      ],
      terminal: true,
    });
    expect(upstreamsOf(route)).toEqual(['127.0.0.1:21004']);
    expect(dynamicNameOf(route)).toBe('berth_web_staging.berth.');
    expect(dynamicNameOf(buildRoute(target, ['127.0.0.1:21004']))).toBeUndefined();
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
