import { parseConfig } from '../../src/config/load-config';
import { configIssues } from '../support/config-issues';

const raw = (preview: Record<string, unknown>) => ({
  api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
  hosts: { local: {} },
  projects: { web: { image: '127.0.0.1:5000/web', environments: { preview: { host: 'local', ...preview } } } },
});

describe('previews config', () => {
  it('fills the defaults, takes ttl as a duration, and names the default instance after the environment', () => {
    const environment = parseConfig(raw({ previews: { domain: 'preview.localhost', maxInstances: 5, ttl: '72h' } })).projects.web.environments.preview;
    expect(environment.previews).toEqual({ domain: 'preview.localhost', name: 'stage-{stage}-{project}-{tag}', defaultName: 'stage-{stage}-{project}', maxInstances: 5, ttl: 72 * 3_600_000 });
    expect(environment.hostname).toBe('stage-preview-web.preview.localhost');
  });

  it('keeps a hostname that is given', () => {
    expect(parseConfig(raw({ hostname: 'pr.localhost', previews: { domain: 'preview.localhost' } })).projects.web.environments.preview.hostname).toBe('pr.localhost');
  });

  it('reports bad fields where they are written, and a hostname missing without previews as before', () => {
    expect(configIssues(raw({ previews: { domain: 'Preview_Host', maxInstances: 0, ttl: 'soon' } }))).toEqual([
      'projects/web/environments/preview/previews/domain: should be a lowercase DNS name like preview.localhost',
      'projects/web/environments/preview/previews/maxInstances: Too small: expected number to be >=1',
      'projects/web/environments/preview/previews/ttl: "soon" is not a duration like 200ms, 2s, 5m or 1h',
    ]);
    expect(configIssues(raw({}))).toEqual(['projects/web/environments/preview/hostname: Invalid input: expected string, received undefined']);
  });
});
