import { Router } from 'express';
import type { MetricsSource } from './metrics-source';

/** `GET /metrics`: Prometheus text format; any valid token (Prometheus sends it with `authorization.credentials_file`). */
export function metricsRouter(source: MetricsSource): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const text = await source.text();
    res.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
  return router;
}
