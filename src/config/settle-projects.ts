import { effectiveSettings } from './effective-settings';
import { previewName } from './preview-name';
import { defaultPreviewName } from './previews-schema';
import type { BerthConfig, ProjectConfig } from './schema';

type RawObject = Record<string, unknown>;
type RawProjects = Record<string, RawObject & { image: string; environments: Record<string, RawObject & { hostname?: string; after?: string; autoDeploy?: { poll?: unknown }; previews?: { domain: string; defaultName?: string } }> }>;

/**
 * Pure: turns the projects as written (already checked level by level) into
 * projects whose environments carry their effective settings, and checks
 * what needs the whole picture: hosts exist, `after` names a sibling.
 */
export function settleProjects(rawProjects: RawProjects, hosts: BerthConfig['hosts']): { projects: Record<string, ProjectConfig>; issues: string[] } {
  const issues = new Set<string>();
  const projects: Record<string, ProjectConfig> = {};
  for (const [projectName, rawProject] of Object.entries(rawProjects)) {
    const project: ProjectConfig = { image: rawProject.image, environments: {} };
    for (const [envName, rawEnvironment] of Object.entries(rawProject.environments)) {
      const envPath = `projects/${projectName}/environments/${envName}`;
      const result = effectiveSettings(rawProject, rawEnvironment, { project: `projects/${projectName}`, environment: envPath });
      result.issues.forEach((issue) => issues.add(issue));
      const { after, previews } = rawEnvironment;
      const hostname = rawEnvironment.hostname ?? (previews && `${previewName(previews.defaultName ?? defaultPreviewName, { stage: envName, project: projectName })}.${previews.domain}`);
      if (after !== undefined && (after === envName || !rawProject.environments[after])) {
        issues.add(`${envPath}/after: should name another environment of project "${projectName}"`);
      }
      // The poller runs inside the owner, which cannot check another environment's record: webhooks can.
      if (after !== undefined && rawEnvironment.autoDeploy?.poll !== undefined) {
        issues.add(`${envPath}/autoDeploy/poll: cannot be combined with after; use a registry webhook for this environment`);
      }
      // The poller deploys into the environment's own owner; instances come only from pushes and the API.
      if (previews !== undefined && rawEnvironment.autoDeploy?.poll !== undefined) {
        issues.add(`${envPath}/autoDeploy/poll: cannot be combined with previews; use a registry webhook for this environment`);
      }
      if (!result.settings || hostname === undefined) continue;
      if (!hosts[result.settings.host]) {
        const where = 'host' in rawEnvironment ? envPath : `projects/${projectName}`;
        issues.add(`${where}/host: unknown host "${result.settings.host}"; hosts are: ${Object.keys(hosts).join(', ')}`);
      }
      project.environments[envName] = { hostname, ...(after !== undefined && { after }), ...result.settings };
    }
    projects[projectName] = project;
  }
  return { projects, issues: [...issues] };
}
