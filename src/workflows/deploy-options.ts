import type { SearchAttributePair } from '@temporalio/common';
import { BerthCommit, BerthEnvironment, BerthImage, BerthProject, BerthStatus } from '../model/search-attributes';
import type { DeployMemo } from '../model/deploy-memo';
import type { DeployKind, DeploySpec, RollbackSpec } from '../model/types';


/**
 * The memo, search attributes and Web UI summary a deploy or rollback starts
 * with, so a person can find it by project, environment, status, image or commit.
 */
export function deployStartOptions(spec: DeploySpec | RollbackSpec, kind: DeployKind) {
  const release = 'targetRelease' in spec ? spec.targetRelease : spec.deploymentId;
  // A rollback is named by the tag its release was deployed with; its digest is in `digest`.
  const image = spec.deployedAs ?? spec.image;
  const memo: DeployMemo = { kind, project: spec.project, environment: spec.environment, image, release, requestedBy: spec.requestedBy };
  if (spec.commit) memo.commit = spec.commit;
  if (spec.commitTime) memo.commitTime = spec.commitTime;
  if (spec.trigger) memo.trigger = spec.trigger;
  // A rollback is pinned by digest from the start.
  if (spec.image.includes('@')) memo.digest = spec.image.slice(spec.image.indexOf('@') + 1);
  const typedSearchAttributes: SearchAttributePair[] = [
    { key: BerthProject, value: spec.project },
    { key: BerthEnvironment, value: spec.environment },
    { key: BerthImage, value: image },
    { key: BerthStatus, value: 'queued' },
  ];
  if (spec.commit) typedSearchAttributes.push({ key: BerthCommit, value: spec.commit });
  const version = image.split(/[:@]/).slice(-1)[0];
  return { memo: { ...memo }, typedSearchAttributes, staticSummary: `${kind} ${spec.project}:${version} → ${spec.environment}` };
}
