/**
 * Failure types (an ApplicationFailure's `type`) that one place throws and
 * another reads: named once here, so the two cannot drift apart.
 */
export const failureTypes = {
  /** The candidate exited, or never answered healthy, or failed through the proxy in the monitor window. */
  unhealthy: 'UNHEALTHY',
  /** The migration itself failed (SQL error, lock or statement timeout, non-zero exit). */
  migrationFailed: 'MIGRATION_FAILED',
  /** A down command failed; retried, since it may have met a lock. */
  migrationDownFailed: 'MIGRATION_DOWN_FAILED',
  /** A secret reference does not resolve on this host. */
  secretUnresolved: 'SECRET_UNRESOLVED',
  invalidSpec: 'INVALID_SPEC',
  /** A test's fault injection. */
  injectedFault: 'INJECTED_FAULT',
  /** The approval gate: a person said no, or nobody answered in time. */
  rejected: 'Rejected',
  expired: 'Expired',
} as const;

/** What went wrong, in a word a program can switch on. */
export type FailureKind = 'exited' | 'unhealthy' | 'monitor' | 'migration' | 'migration-down';

/**
 * What a failed activity carries besides its message, as the first entry of
 * its ApplicationFailure's `details`. Tails are already scrubbed of secrets.
 */
export interface FailureDetails {
  kind: FailureKind;
  /** The deploy step the activity serves. */
  step: string;
  /** The container's last log lines, when there are any. */
  logTail?: string;
  /** The migration's last output lines, when there are any. */
  outputTail?: string;
}

/** How a tail is introduced in the text people read (records, events, notifications). */
export const tailMarkers = {
  logTail: '--- container log (tail) ---',
  outputTail: '--- migration output (tail) ---',
} as const;

/** Pure: the message, then each tail under its marker: the text a deploy record has always shown. */
export function failureText(message: string, details: FailureDetails | undefined): string {
  let text = message;
  for (const key of ['logTail', 'outputTail'] as const) {
    if (details?.[key]) text += `\n${tailMarkers[key]}\n${details[key]}`;
  }
  return text;
}

/** Pure: Berth's details from an ApplicationFailure's `details`, or undefined for a failure without them. */
export function failureDetailsOf(details: readonly unknown[] | null | undefined): FailureDetails | undefined {
  const first = details?.[0] as Partial<FailureDetails> | undefined;
  if (!first || typeof first !== 'object' || typeof first.kind !== 'string' || typeof first.step !== 'string') return undefined;
  return first as FailureDetails;
}

/** Pure: details with the tails that are empty left out, so `failureText` and readers see only what there is. */
export function detailsWith(kind: FailureKind, step: string, tails: { logTail?: string; outputTail?: string } = {}): FailureDetails {
  return {
    kind,
    step,
    ...(tails.logTail && { logTail: tails.logTail }),
    ...(tails.outputTail && { outputTail: tails.outputTail }),
  };
}
