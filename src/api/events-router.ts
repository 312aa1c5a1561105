import { Router } from 'express';
import type { BerthConfig } from '../config/schema';
import type { Logger } from '../logger';
import { deploymentReach } from './deployment-reach';
import type { DeploymentService } from './deployment-service';
import { streamEvents } from './event-stream';
import { HttpError } from './http-error';
import { deploymentIdPattern } from './schemas';

/** `Last-Event-ID` (what EventSource sends on reconnect) or `?lastEventId=` for clients that cannot set headers. */
function resumeAfter(header: string | undefined, query: unknown): number {
  const text = header ?? (typeof query === 'string' ? query : undefined);
  if (text === undefined || text === '') return 0;
  if (!/^\d{1,9}$/.test(text.trim())) throw new HttpError('invalid_request', `Last-Event-ID: should be an event id (a whole number), not "${text}"`);
  return Number(text);
}

/** `GET /v1/deployments/:id/events`: the deploy's steps and output as Server-Sent Events. */
export function eventsRouter(config: BerthConfig, deployments: DeploymentService, options: { pollMs?: number; heartbeatMs?: number } = {}): Router {
  const router = Router();
  router.get('/v1/deployments/:id/events', deploymentReach(config, deployments), async (req, res) => {
    const id = String(req.params.id);
    const after = resumeAfter(req.get('last-event-id'), req.query.lastEventId);
    const first = deploymentIdPattern.test(id) ? await deployments.get(id) : undefined;
    if (!first) throw new HttpError('not_found', `deployment "${id}" was not found`);
    const log = (res.locals.log as Logger | undefined)?.child({ stream: 'events' });

    res.status(200).set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const disconnected = new AbortController();
    res.on('close', () => disconnected.abort());

    let cached: typeof first | undefined = first;
    const outcome = await streamEvents({
      after,
      signal: disconnected.signal,
      send: (chunk) => res.write(chunk),
      // The first poll reuses the read that decided 404, so an existing deploy costs one read less.
      read: async () => {
        const record = cached ?? (await deployments.get(id));
        cached = undefined;
        return record;
      },
      onReadError: (error) => log?.warn({ err: error }, 'reading the deploy for its event stream failed; retrying'),
      ...options,
    });
    log?.debug({ outcome }, 'event stream closed');
    res.end();
  });
  return router;
}
