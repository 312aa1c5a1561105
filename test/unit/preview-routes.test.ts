import { buildContainerOptions } from '../../src/docker/container-spec';
import { environmentFilters, labels } from '../../src/docker/labels';
import { routeId } from '../../src/proxy/caddy/caddy-routes';
import { siteFileName } from '../../src/proxy/nginx/nginx-site';
import { createBody, forwardOf } from '../../src/proxy/npm/npm-hosts';
import type { DeploySpec } from '../../src/model/types';

const instance = 'stage-preview-web-pr-7';
const key = { project: 'web', environment: 'preview' };

describe('preview instances in routes and labels', () => {
  it('gives each instance its own route beside the environment (default name) route, in every driver', () => {
    expect(routeId(key)).toBe('berth_web_preview');
    expect(routeId({ ...key, instance })).toBe('berth_web_preview__stage_preview_web_pr_7');
    expect(siteFileName(key)).toBe('berth-web-preview.conf');
    expect(siteFileName({ ...key, instance })).toBe('berth-web-preview--stage-preview-web-pr-7.conf');
    expect(createBody({ ...key, instance, hostname: `${instance}.preview.localhost` }, forwardOf(['127.0.0.1:21000'])).meta).toEqual({ berth_route: `web/preview/${instance}` });
  });

  it("labels an instance's container with its name and lists only that instance's containers", () => {
    const spec = {
      deploymentId: 'web-preview-01',
      project: 'web',
      environment: 'preview',
      image: '127.0.0.1:5000/web:pr-7',
      hostname: `${instance}.preview.localhost`,
      network: 'host',
      env: {},
      preview: { instance, tag: 'pr-7', url: `http://${instance}.preview.localhost`, defaultHostname: 'stage-preview-web.preview.localhost' },
    } as unknown as DeploySpec;
    expect(buildContainerOptions({ spec, pinnedRef: '127.0.0.1:5000/web@sha256:aa', digest: 'sha256:aa', port: 21000, env: {} }).Labels).toMatchObject({ [labels.instance]: instance, [labels.environment]: 'preview' });
    expect(environmentFilters('web', 'preview', instance)).toEqual({ label: ['berth.managed=true', 'berth.project=web', 'berth.environment=preview', `berth.instance=${instance}`] });
    expect(environmentFilters('web', 'preview')).toEqual({ label: ['berth.managed=true', 'berth.project=web', 'berth.environment=preview'] });
  });
});
