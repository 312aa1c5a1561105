import type { Request, RequestHandler, Response } from 'express';
import type { BerthConfig } from '../config/schema';
import type { Logger } from '../logger';
import type { Caller } from './auth';
import { matchRoute } from './route-registry';

/** What a request is about, for its log lines. */
export interface RequestSubject {
  deploymentId?: string;
  project?: string;
  environment?: string;
}

/**
 * The project and environment a deployment id names: ids are
 * `<project>-<environment>-<suffix>`, and names may contain dashes, so only an
 * unambiguous match against the configuration counts.
 */
export function targetOfDeploymentId(config: BerthConfig, id: string): Omit<RequestSubject, 'deploymentId'> {
  const matches: Array<{ project: string; environment?: string }> = [];
  for (const [project, projectConfig] of Object.entries(config.projects)) {
    for (const environment of Object.keys(projectConfig.environments)) {
      if (id.startsWith(`${project}-${environment}-`)) matches.push({ project, environment });
    }
    if (id.startsWith(`${project}-pipeline-`)) matches.push({ project });
  }
  return matches.length === 1 ? matches[0] : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}

/** From the path, the query and the parsed body; never from headers, which carry the token. */
export function subjectOf(config: BerthConfig, method: string, path: string, query: unknown, body: unknown): RequestSubject {
  const params = matchRoute(method, path)?.params ?? {};
  const fromQuery = (query ?? {}) as Record<string, unknown>;
  const fromBody = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const deploymentId = text(params.id);
  const subject: RequestSubject = {
    deploymentId,
    ...(deploymentId && targetOfDeploymentId(config, deploymentId)),
  };
  subject.project ??= text(params.project) ?? text(fromBody.project) ?? text(fromQuery.project);
  subject.environment ??= text(params.environment) ?? text(fromBody.environment) ?? text(fromQuery.environment);
  return Object.fromEntries(Object.entries(subject).filter(([, value]) => value !== undefined));
}

const quietPaths = new Set(['/healthz', '/readyz', '/metrics']);

/** Fields the body adds that the path did not already bind. */
function fromBody(config: BerthConfig, req: Request, res: Response): RequestSubject {
  const known = res.locals.subject as RequestSubject;
  const subject = subjectOf(config, req.method, req.path, req.query, req.body);
  return Object.fromEntries(Object.entries(subject).filter(([key]) => !(key in known)));
}

/**
 * Gives each request a child logger (`res.locals.log`) bound to what it is
 * about, and logs one line when it finishes, even when the body was not JSON.
 * A deploy the request started is known only then, from its Location header.
 * Mount before the body parser, and `bindRequestBody` after it.
 */
export function requestLog(config: BerthConfig, log: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    const subject = subjectOf(config, req.method, req.path, req.query, undefined);
    res.locals.subject = subject;
    res.locals.log = log.child({ method: req.method, path: req.path, ...subject });
    res.on('finish', () => {
      const created = /^\/v1\/deployments\/([^/]+)$/.exec(String(res.get('location') ?? ''))?.[1];
      const caller = (res.locals.caller as Caller | undefined)?.name;
      const fields = {
        status: res.statusCode,
        durationMs: Number((process.hrtime.bigint() - startedAt) / 1_000_000n),
        ...(caller && { caller }),
        ...(created && !('deploymentId' in res.locals.subject) && { deploymentId: created }),
      };
      const line = res.locals.log as Logger;
      if (quietPaths.has(req.path) && res.statusCode < 400) line.debug(fields, 'request');
      else line.info(fields, 'request');
    });
    next();
  };
}

/** Adds the project and environment named in a parsed JSON body to the request's logger. */
export function bindRequestBody(config: BerthConfig): RequestHandler {
  return (req, res, next) => {
    const extra = fromBody(config, req, res);
    if (Object.keys(extra).length > 0) {
      res.locals.subject = { ...res.locals.subject, ...extra };
      res.locals.log = (res.locals.log as Logger).child(extra);
    }
    next();
  };
}
