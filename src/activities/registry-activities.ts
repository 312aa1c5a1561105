import { compareTags, newestMatching } from '../config/auto-deploy';
import { buildDeploySpec } from '../config/deploy-spec';
import { isOpen, parseDeployWindow } from '../config/deploy-window';
import type { BerthConfig } from '../config/schema';
import { RegistryApi } from '../docker/registry-api';
import type { Logger } from '../logger';
import { parseImageRef } from '../model/image-ref';
import type { PolledCandidate, RegistryPollAnswer, RegistryPollRequest } from '../model/registry-poll-types';
import { classify } from './failures';
import { registryLogin } from './registry-login';

/** What the registry poll needs: the worker's config (tags, credentials as references) and the process env to resolve them. */
export interface RegistryDeps {
  config: BerthConfig;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Tests hand in their own; by default the global fetch. */
  fetchFn?: typeof fetch;
}

/** Activities of the workflow worker that read a registry; no Docker host is involved. */
export function createRegistryActivities(deps: RegistryDeps) {
  return {
    /**
     * What the registry holds now for the environment's `autoDeploy.tags`:
     * each literal tag's digest (manifest HEAD), and for the patterns the
     * highest semver among the listed tags, each as a deploy pinned by digest.
     * The owner decides which of them is new.
     */
    async checkRegistry(request: RegistryPollRequest): Promise<RegistryPollAnswer> {
      return classify(async () => {
        const { project, environment, deploymentId } = request;
        const projectConfig = deps.config.projects[project];
        const environmentConfig = projectConfig?.environments[environment];
        const rules = environmentConfig?.autoDeploy?.poll !== undefined ? environmentConfig.autoDeploy.tags : [];
        if (!projectConfig || rules.length === 0) return { candidates: [], reason: `${project}/${environment} does not poll in this worker's config` };
        const refused = windowRefuses(environmentConfig);
        if (refused) return { candidates: [], reason: refused };

        const { registry, path, repository } = parseImageRef(projectConfig.image);
        const api = new RegistryApi(registry, registryLogin(deps.config.registries, registry, deps.env), deps.fetchFn);
        const found: Array<{ tag: string; digest: string }> = [];
        for (const rule of rules) {
          if (rule.kind !== 'literal') continue;
          const digest = await api.digestOf(path, rule.tag);
          if (digest) found.push({ tag: rule.tag, digest });
        }
        if (rules.some((rule) => rule.kind === 'pattern')) {
          const newest = newestMatching(rules, await api.tags(path));
          // A pattern deploys the newest semver; one older than what serves (tags deleted since) starts nothing.
          const older = newest !== undefined && request.servingTag !== undefined && compareTags(newest, request.servingTag) < 0;
          const digest = newest !== undefined && !older ? await api.digestOf(path, newest) : undefined;
          if (newest && digest) found.push({ tag: newest, digest });
        }
        const candidates: PolledCandidate[] = found.map(({ tag, digest }) => {
          const spec = buildDeploySpec(deps.config, { project, environment, image: `${repository}@${digest}` }, { deploymentId, requestedBy: 'poller' });
          return { tag, digest, spec: { ...spec, trigger: { tag, digest } } };
        });
        deps.log.debug({ project, environment, found }, 'registry checked');
        return { candidates };
      });
    },
  };
}

/** `outsideWindow: refuse`: the poll offers nothing while the window is shut, and finds the push again once it opens. */
function windowRefuses(environment: BerthConfig['projects'][string]['environments'][string]): string | undefined {
  if (!environment.window || environment.outsideWindow !== 'refuse') return undefined;
  const window = parseDeployWindow(environment.window.text);
  return typeof window !== 'string' && !isOpen(window, new Date()) ? `outside the deploy window "${environment.window.text}"` : undefined;
}
