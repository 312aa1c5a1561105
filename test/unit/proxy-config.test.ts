import { parseConfig } from '../../src/config/load-config';
import { configIssues } from '../support/config-issues';
import { proxyFor } from '../../src/config/schema';

const base = {
  api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
  hosts: { local: {}, edge: {} },
  projects: { web: { image: '127.0.0.1:5000/fixture/web', environments: { staging: { host: 'local', hostname: 'web.staging.localhost' } } } },
};

describe('proxy configuration', () => {
  it('reads an nginx proxy with its defaults', () => {
    const config = parseConfig({ ...base, proxy: { driver: 'nginx', confDir: '/etc/nginx/berth.d' } });
    expect(config.proxy).toEqual({
      driver: 'nginx',
      listen: { host: '127.0.0.1', port: 8088 },
      confDir: '/etc/nginx/berth.d',
      test: ['nginx', '-t'],
      reload: ['nginx', '-s', 'reload'],
      keepalive: 16,
    });
  });

  it('reads an NPM proxy whose login stays secret references', () => {
    const config = parseConfig({ ...base, proxy: { driver: 'npm', url: 'http://127.0.0.1:81', identity: 'env:NPM_EMAIL', secret: 'file:/run/secrets/npm' } });
    expect(config.proxy).toEqual({
      driver: 'npm',
      url: 'http://127.0.0.1:81',
      identity: 'env:NPM_EMAIL',
      secret: 'file:/run/secrets/npm',
      listen: { host: '127.0.0.1', port: 80 },
    });
  });

  it('lets a host override the top-level proxy', () => {
    const config = parseConfig({
      ...base,
      hosts: { local: {}, edge: { proxy: { driver: 'nginx', confDir: '/srv/nginx/berth.d', reload: ['sudo', 'systemctl', 'reload', 'nginx'] } } },
    });
    expect(proxyFor(config, 'local').driver).toBe('caddy');
    expect(proxyFor(config, 'edge')).toMatchObject({ driver: 'nginx', confDir: '/srv/nginx/berth.d', reload: ['sudo', 'systemctl', 'reload', 'nginx'] });
  });

  it('reads Caddy\'s optional upstream responder, whose address must be an IP', () => {
    const config = parseConfig({ ...base, proxy: { upstreamDns: { address: '127.0.0.1:2053', stateDir: '.berth/upstream-dns' } } });
    expect(config.proxy).toMatchObject({ driver: 'caddy', upstreamDns: { address: { host: '127.0.0.1', port: 2053 }, stateDir: '.berth/upstream-dns' } });
    expect(parseConfig(base).proxy).not.toHaveProperty('upstreamDns');
    expect(configIssues({ ...base, proxy: { upstreamDns: { address: 'localhost:2053', stateDir: '' } } })).toEqual([
      'proxy/upstreamDns/address: should be an IP address and port',
      'proxy/upstreamDns/stateDir: should name a directory',
    ]);
  });

  it('names the path of every problem, per driver', () => {
    expect(configIssues({ ...base, proxy: { driver: 'traefik' } })).toEqual(['proxy/driver: should be one of: caddy, nginx, npm']);
    expect(configIssues({ ...base, proxy: { driver: 'nginx', confDir: 'relative/dir', test: [] } })).toEqual([
      'proxy/confDir: should be an absolute path',
      'proxy/test: should name a command and its arguments',
    ]);
    expect(configIssues({ ...base, hosts: { local: { proxy: { driver: 'npm', url: 'http://127.0.0.1:81', identity: 'admin@example.com', secret: 'env:NPM_PASSWORD', adminUrl: 'x' } } } })).toEqual([
      'hosts/local/proxy/identity: should be a secret reference: env:NAME or file:/path',
      'hosts/local/proxy: Unrecognized key: "adminUrl"',
    ]);
  });
});
