import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Berth registers these at start (src/temporal/ensure-namespace.ts); the Web UI filters on them. */
export const BerthProject = defineSearchAttributeKey('BerthProject', SearchAttributeType.KEYWORD);
export const BerthEnvironment = defineSearchAttributeKey('BerthEnvironment', SearchAttributeType.KEYWORD);
export const BerthStatus = defineSearchAttributeKey('BerthStatus', SearchAttributeType.KEYWORD);
export const BerthImage = defineSearchAttributeKey('BerthImage', SearchAttributeType.KEYWORD);
export const BerthCommit = defineSearchAttributeKey('BerthCommit', SearchAttributeType.KEYWORD);

/**
 * The custom search attributes deploy workflows carry, all Keyword, by name.
 * SQL visibility (PostgreSQL, MySQL) holds at most 10 custom Keyword
 * attributes per namespace (3 of each other type), so Berth keeps to few.
 */
export const berthSearchAttributes = {
  BerthProject: 'Keyword',
  BerthEnvironment: 'Keyword',
  BerthStatus: 'Keyword',
  BerthImage: 'Keyword',
  BerthCommit: 'Keyword',
} as const;
