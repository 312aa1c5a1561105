import { parseSite, renderSite, siteFileName, siteFilePattern } from '../../src/proxy/nginx/nginx-site';

const target = { project: 'web', environment: 'pr-12', hostname: 'pr-12.web.example.com' };

describe('nginx site files', () => {
  it('renders one upstream with keepalive and one server for the hostname', () => {
    expect(renderSite({ target, upstreams: ['127.0.0.1:21004'], listen: '127.0.0.1:8088', keepalive: 16 })).toBe(
      [
        '# berth-route project=web environment=pr-12 hostname=pr-12.web.example.com',
        '# Written by Berth and replaced on every switch; edits here are lost.',
        'upstream berth_web_pr_12 {',
        '    server 127.0.0.1:21004;',
        '    keepalive 16;',
        '}',
        '',
        'server {',
        '    listen 127.0.0.1:8088;',
        '    server_name pr-12.web.example.com;',
        '',
        '    location / {',
        '        proxy_pass http://berth_web_pr_12;',
        '        proxy_http_version 1.1;',
        '        proxy_set_header Connection "";',
        '        proxy_set_header Host $host;',
        '        proxy_set_header X-Real-IP $remote_addr;',
        '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
        '        proxy_set_header X-Forwarded-Proto $scheme;',
        '        add_header X-Berth-Upstream "127.0.0.1:21004" always;',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('lists every upstream of a list and reads them back', () => {
    const text = renderSite({ target, upstreams: ['127.0.0.1:21004', '[::1]:21005'], listen: '[::1]:8088', keepalive: 4 });
    expect(text).toContain('    server 127.0.0.1:21004;\n    server [::1]:21005;\n    keepalive 4;\n');
    expect(text).toContain('    listen [::1]:8088;\n');
    expect(parseSite(text)).toEqual({ hostname: 'pr-12.web.example.com', upstreams: ['127.0.0.1:21004', '[::1]:21005'] });
  });

  it('recognises only its own files', () => {
    expect(siteFileName(target)).toBe('berth-web-pr-12.conf');
    expect(siteFilePattern.test('berth-web-pr-12.conf')).toBe(true);
    expect(siteFilePattern.test('.berth-web-pr-12.conf.1a2b.tmp')).toBe(false);
    expect(parseSite('upstream app { server 127.0.0.1:9000; }\nserver { listen 80; }\n')).toBeUndefined();
  });
});
