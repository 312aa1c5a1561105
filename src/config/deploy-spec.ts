import { canonicalRepository, withTag } from '../model/image-ref';
import { formatListen } from '../model/listen';
import { appSpecFrom } from './app-spec';
import { migrationSpecFrom } from './migration-spec';
import type { DeploySpec } from '../model/types';
import type { BerthConfig } from './schema';

export interface DeployTarget {
  project: string;
  environment: string;
  tag?: string;
  image?: string;
  commit?: string;
  commitTime?: string;
}

export class UnknownTargetError extends Error {}
export class ImageMismatchError extends Error {}

/** Pure: freezes what a deploy needs from the environment's effective settings at request time. */
export function buildDeploySpec(
  config: BerthConfig,
  target: DeployTarget,
  meta: { deploymentId: string; requestedBy: string },
): DeploySpec {
  const project = config.projects[target.project];
  if (!project) throw new UnknownTargetError(`project "${target.project}" is not configured`);
  const environment = project.environments[target.environment];
  if (!environment) throw new UnknownTargetError(`environment "${target.environment}" is not configured for project "${target.project}"`);
  const host = config.hosts[environment.host];
  const app = appSpecFrom(environment);
  const image = target.image ?? withTag(project.image, target.tag ?? 'latest');
  if (target.image !== undefined && canonicalRepository(target.image) !== canonicalRepository(project.image)) {
    throw new ImageMismatchError(`image: should be a reference to ${project.image}, the image of project "${target.project}"`);
  }
  return {
    deploymentId: meta.deploymentId,
    project: target.project,
    environment: target.environment,
    image,
    commit: target.commit,
    ...(target.commitTime !== undefined && { commitTime: target.commitTime }),
    requestedBy: meta.requestedBy,
    approval: environment.approval,
    approvalTimeoutMs: environment.approvalTimeout,
    ...(environment.approvalReminder !== undefined && { approvalReminderMs: environment.approvalReminder }),
    ...(environment.window && { window: environment.window.text }),
    apiUrl: `http://${formatListen(config.api.listen)}`,
    host: environment.host,
    hostname: environment.hostname,
    network: host.network,
    portRange: host.ports,
    hostTimeoutMs: host.hostTimeout,
    health: {
      path: environment.health.path,
      ...(environment.health.readyPath !== undefined && { readyPath: environment.health.readyPath }),
      intervalMs: environment.health.interval,
      timeoutMs: environment.health.timeout,
      retries: environment.health.retries,
      startPeriodMs: environment.health.startPeriod,
      monitorMs: environment.health.monitor,
      monitorFailures: environment.health.monitorFailures,
    },
    keep: environment.keep,
    drainMs: environment.drain,
    stopTimeoutMs: environment.stopTimeout,
    env: { ...environment.env },
    secretEnv: { ...environment.secrets },
    ...(environment.migrations && { migrations: migrationSpecFrom(environment.migrations) }),
    ...(app && { app }),
  };
}
