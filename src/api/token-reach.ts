import type { Caller } from './auth';
import { HttpError } from './http-error';

/** True when the token is limited to some projects or environments. */
export function isLimited(caller: Caller): boolean {
  return caller.projects !== undefined || caller.environments !== undefined;
}

/** Whether the token may act on `project` in every one of `environments`. */
export function reaches(caller: Caller, project: string, environments: string[]): boolean {
  if (caller.projects && !caller.projects.includes(project)) return false;
  if (caller.environments && (environments.length === 0 || environments.some((environment) => !caller.environments!.includes(environment)))) return false;
  return true;
}

/** 403 unless the token reaches the project and environments. */
export function requireReach(caller: Caller, project: string, environments: string[]): void {
  if (!reaches(caller, project, environments)) {
    const where = environments.length > 0 ? `${project}/${environments.join(',')}` : project;
    throw new HttpError('forbidden', `token "${caller.name}" may not act on ${where}`);
  }
}

/** 403 for a limited token on a route that spans every project. */
export function requireUnlimited(caller: Caller, what: string): void {
  if (isLimited(caller)) throw new HttpError('forbidden', `token "${caller.name}" is limited to some projects or environments; ${what} covers all of them`);
}
