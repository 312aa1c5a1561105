import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on the server (dev server flags, compose setup); the Web UI filters on them. */
export const BerthProject = defineSearchAttributeKey('BerthProject', SearchAttributeType.KEYWORD);
export const BerthEnvironment = defineSearchAttributeKey('BerthEnvironment', SearchAttributeType.KEYWORD);
export const BerthStatus = defineSearchAttributeKey('BerthStatus', SearchAttributeType.KEYWORD);
export const BerthImage = defineSearchAttributeKey('BerthImage', SearchAttributeType.KEYWORD);
export const BerthCommit = defineSearchAttributeKey('BerthCommit', SearchAttributeType.KEYWORD);
