/**
 * The custom search attributes deploy workflows carry, all Keyword. Berth
 * registers them at start (and the dev server at its own start); the Web UI and
 * `GET /v1/deployments` filter on them. SQL visibility (PostgreSQL, MySQL) holds
 * at most 10 custom Keyword attributes per namespace, so Berth keeps to few.
 */
export const berthSearchAttributes = {
  BerthProject: 'Keyword',
  BerthEnvironment: 'Keyword',
  BerthStatus: 'Keyword',
  BerthImage: 'Keyword',
  BerthCommit: 'Keyword',
} as const;
