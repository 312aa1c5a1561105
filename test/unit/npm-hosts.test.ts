import { createBody, forwardOf, hostFor, ineffectiveReason, switchBody, type NpmProxyHost } from '../../src/proxy/npm/npm-hosts';

const target = { project: 'web', environment: 'staging', hostname: 'staging.web.example.com' };

function host(extra: Partial<NpmProxyHost> = {}): NpmProxyHost {
  return {
    id: 7,
    domain_names: ['staging.web.example.com'],
    forward_scheme: 'http',
    forward_host: '127.0.0.1',
    forward_port: 21004,
    advanced_config: '',
    enabled: true,
    locations: [],
    meta: { nginx_online: true, nginx_err: null },
    ...extra,
  };
}

describe('Nginx Proxy Manager request bodies', () => {
  it('switches with only the three forward fields', () => {
    expect(switchBody(forwardOf(['127.0.0.1:21005']))).toEqual({ forward_scheme: 'http', forward_host: '127.0.0.1', forward_port: 21005 });
    expect(switchBody(host())).toEqual({ forward_scheme: 'http', forward_host: '127.0.0.1', forward_port: 21004 });
  });

  it('creates a proxy host for the hostname, marked as Berth\'s', () => {
    expect(createBody(target, forwardOf(['127.0.0.1:21005']))).toEqual({
      domain_names: ['staging.web.example.com'],
      forward_scheme: 'http',
      forward_host: '127.0.0.1',
      forward_port: 21005,
      allow_websocket_upgrade: true,
      meta: { berth_route: 'web/staging' },
    });
  });

  it('refuses more than one upstream', () => {
    expect(() => forwardOf(['127.0.0.1:1', '127.0.0.1:2'])).toThrow('Nginx Proxy Manager forwards a proxy host to one target; Berth was asked for 2');
  });

  it('finds the host by any of its domain names, ignoring case', () => {
    const other = host({ id: 3, domain_names: ['shop.example.com'] });
    const mine = host({ domain_names: ['www.example.com', 'Staging.Web.Example.com'] });
    expect(hostFor([other, mine], 'staging.web.example.com')).toBe(mine);
    expect(hostFor([other], 'staging.web.example.com')).toBeUndefined();
  });

  it('says why a switch of forward_host would have no effect', () => {
    expect(ineffectiveReason(host())).toBeUndefined();
    expect(ineffectiveReason(host({ advanced_config: 'client_max_body_size 10m;' }))).toBeUndefined();
    expect(ineffectiveReason(host({ advanced_config: 'location / {\n  proxy_pass http://10.0.0.5:3000;\n}' }))).toBe(
      'NPM proxy host #7 (staging.web.example.com) has an advanced_config that sets its own location / or proxy_pass, so its forward_host is not used; Berth changes only forward_scheme, forward_host and forward_port, which would have no effect',
    );
    expect(ineffectiveReason(host({ advanced_config: 'set $server "10.0.0.5";' }))).toMatch(/advanced_config/);
    expect(ineffectiveReason(host({ locations: [{ path: '/' }] }))).toBe(
      'NPM proxy host #7 (staging.web.example.com) has a custom location "/" with its own forward target, so its forward_host is not used; remove that location in NPM',
    );
    expect(ineffectiveReason(host({ enabled: false }))).toBe('NPM proxy host #7 (staging.web.example.com) is disabled in NPM, so NPM writes no nginx config for it');
  });
});
