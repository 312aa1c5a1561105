import { DefaultFailureConverter } from '@temporalio/common';

/**
 * With encryption on, a failure's message and stack trace travel as an
 * encoded payload too (so through the codec): a failed migration's output or
 * a crashed container's log tail is no plainer than the rest of the history.
 * Loaded by path, as the workflow sandbox needs its own copy.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
