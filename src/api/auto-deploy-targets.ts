import { compareTags, tagMatches } from '../config/auto-deploy';
import type { BerthConfig } from '../config/schema';
import { canonicalRepository } from '../model/image-ref';
import type { PushEvent } from './registry-events';

/** An environment that watches the pushed image and tag. */
export interface AutoDeployTarget {
  project: string;
  environment: string;
  /** What deploys: pinned by digest when the sender gave one. */
  image: string;
  /** True when a `/pattern/` matched, so only a higher semver than the serving one deploys. */
  byPattern: boolean;
}

function canonical(ref: string): string | undefined {
  try {
    return canonicalRepository(ref);
  } catch {
    return undefined;
  }
}

/** Pure: every environment whose project image is the pushed repository and whose `autoDeploy.tags` match the tag. */
export function autoDeployTargets(config: BerthConfig, push: PushEvent): AutoDeployTarget[] {
  const pushed = canonical(push.repository);
  if (!pushed) return [];
  const targets: AutoDeployTarget[] = [];
  for (const [project, projectConfig] of Object.entries(config.projects)) {
    if (canonical(projectConfig.image) !== pushed) continue;
    for (const [environment, environmentConfig] of Object.entries(projectConfig.environments)) {
      const rules = environmentConfig.autoDeploy?.tags ?? [];
      if (!tagMatches(rules, push.tag)) continue;
      const literal = rules.some((rule) => rule.kind === 'literal' && rule.tag === push.tag);
      const image = push.digest ? `${projectConfig.image}@${push.digest}` : `${projectConfig.image}:${push.tag}`;
      targets.push({ project, environment, image, byPattern: !literal });
    }
  }
  return targets;
}

/** Pure: a pattern deploys the newest semver; a push of an older one than what serves starts nothing. */
export function olderThanServing(pushedTag: string, servingTag: string | undefined): boolean {
  return servingTag !== undefined && compareTags(pushedTag, servingTag) < 0;
}

/** What one push did to one watching environment: a deploy id, or why nothing started. */
export interface AutoDeployOutcome {
  project: string;
  environment: string;
  tag: string;
  digest?: string;
  id?: string;
  duplicate?: boolean;
  reason?: string;
}
