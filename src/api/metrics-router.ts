import { Router } from 'express';
import type { Caller } from './auth';
import type { MetricsSource } from './metrics-source';
import { requireUnlimited } from './token-reach';

/** `GET /metrics`: Prometheus text format; any valid token (Prometheus sends it with `authorization.credentials_file`). */
export function metricsRouter(source: MetricsSource): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    requireUnlimited(res.locals.caller as Caller, '/metrics');
    const text = await source.text();
    res.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
  return router;
}
