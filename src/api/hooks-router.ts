import { Router, type Request } from 'express';
import type { BerthConfig } from '../config/schema';
import { resolveSecret, SecretError } from '../config/secrets';
import type { Logger } from '../logger';
import { autoDeploy, type AutoDeployOutcome } from './auto-deploy';
import type { DeploymentService } from './deployment-service';
import { senderAuthenticated } from './hook-auth';
import { HttpError } from './http-error';
import { distributionPushes, dockerHubPushes, githubPushes, senderOf, type PushEvent, type Sender } from './registry-events';

/** The raw bytes of a hook's body, kept by the JSON parser: GitHub signs exactly these. */
export function keepRawBody(req: { url?: string }, _res: unknown, body: Buffer): void {
  if (req.url?.startsWith('/v1/hooks/')) (req as { rawBody?: Buffer }).rawBody = body;
}

function pushesOf(sender: Sender, req: Request): PushEvent[] {
  if (sender === 'distribution') return distributionPushes(req.body);
  if (sender === 'dockerhub') return dockerHubPushes(req.body);
  return githubPushes(req.get('x-github-event'), req.body);
}

/**
 * `POST /v1/hooks/registry/:name`: a registry says an image was pushed. The
 * sender proves itself with its configured secret (no API token); each push
 * of a watched tag becomes a deploy pinned by digest, through the owner.
 */
export function hooksRouter(config: BerthConfig, deployments: DeploymentService): Router {
  const router = Router();
  router.post('/v1/hooks/registry/:name', async (req, res) => {
    const name = String(req.params.name);
    const hook = config.hooks.registry.find((entry) => entry.name === name);
    if (!hook) throw new HttpError('not_found', `no registry hook named "${name}" is configured`);
    const sender = senderOf({ githubEvent: req.get('x-github-event'), contentType: req.get('content-type') }, req.body);
    if (!sender) throw new HttpError('invalid_request', 'body: should be a Distribution notification, a Docker Hub webhook or a GitHub package event');
    let secret: string;
    try {
      secret = resolveSecret(hook.secret);
    } catch (error) {
      throw new HttpError('unavailable', `hooks/registry/${name}/secret: ${(error as SecretError).message}`);
    }
    const presented = {
      authorization: req.get('authorization'),
      querySecret: typeof req.query.secret === 'string' ? req.query.secret : undefined,
      signature: req.get('x-hub-signature-256'),
      rawBody: (req as { rawBody?: Buffer }).rawBody,
    };
    if (!senderAuthenticated(sender, presented, secret)) throw new HttpError('unauthorized', `the ${sender} hook "${name}" did not present its secret`);

    const log = (res.locals.log as Logger).child({ hook: name, sender });
    const outcomes: AutoDeployOutcome[] = [];
    const pushedAt = Number((req.body as { push_data?: { pushed_at?: unknown } }).push_data?.pushed_at) || undefined;
    const pushes = pushesOf(sender, req);
    // Distribution also reports pulls and layer uploads: nothing to say about those.
    if (pushes.length === 0) log.debug('no tagged push in the notification');
    for (const push of pushes) {
      const found = await autoDeploy(config, deployments, push, `registry:${name}`, pushedAt);
      if (found.length === 0) log.info({ repository: push.repository, tag: push.tag, digest: push.digest }, 'no environment watches what was pushed');
      outcomes.push(...found);
    }
    for (const outcome of outcomes) log.info(outcome, outcome.id ? 'registry push deploys' : 'registry push starts nothing');
    res.status(202).json({ deployments: outcomes.filter((o) => o.id), ignored: outcomes.filter((o) => !o.id) });
  });
  return router;
}
