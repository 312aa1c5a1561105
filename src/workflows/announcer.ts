import { CancellationScope, log, patched, proxyActivities } from '@temporalio/workflow';
import type { NotifyActivities } from '../activities';
import type { StepLog } from './step-log';
import { failureMessage } from './step-log';
import type { DeployEvent } from '../model/event-types';

const deliveryOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 },
} as const;

/**
 * Tells every receiver about a deploy, each on its own: one activity per
 * receiver and event, with its own retries, so a dead or hanging receiver
 * never delays another or makes it hear an event twice. Each receiver hears a
 * deploy's events in order. A delivery that finally fails is a line in the
 * deploy's events, never a failure of the deploy.
 */
export class Announcer {
  private receivers?: Promise<string[]>;
  private readonly chains = new Map<number, Promise<void>>();
  /** Deploys started while a cancel still reached the deliveries keep their recorded commands. */
  private outlivesCancel?: boolean;

  constructor(private readonly steps?: StepLog) {}

  /** Resolves when every receiver has the event or gave up on it; never rejects. */
  announce(event: DeployEvent): Promise<void> {
    this.outlivesCancel ??= patched('notify-outlives-cancel');
    this.receivers ??= this.shielded(() => proxyActivities<NotifyActivities>({ ...deliveryOptions, summary: 'list notification receivers' }).listReceivers())
      .catch((error) => {
        log.warn('notification receivers unknown', { error: String(error) });
        return [];
      });
    return this.receivers.then((labels) => Promise.all(labels.map((label, index) => this.deliver(index, label, event))).then(() => undefined));
  }

  /**
   * A deploy's cancel must not reach its notifications: a cancelled list of
   * receivers would leave them all unaware of the deploy's end, and a cancelled
   * delivery reads as "not delivered" though the receiver may have it.
   */
  private shielded<T>(call: () => Promise<T>): Promise<T> {
    return this.outlivesCancel ? CancellationScope.nonCancellable(call) : call();
  }

  private deliver(index: number, label: string, event: DeployEvent): Promise<void> {
    const { notifyReceiver } = proxyActivities<NotifyActivities>({ ...deliveryOptions, summary: `notify ${label}: ${event.event}` });
    const previous = this.chains.get(index) ?? Promise.resolve();
    const next = previous.then(() =>
      this.shielded(() => notifyReceiver(index, event)).catch((error) => {
        const why = failureMessage(error);
        log.warn('notification not delivered', { receiver: label, event: event.event, error: why });
        this.steps?.log('notify', `${event.event} not delivered to ${label}: ${why}`);
      }),
    );
    this.chains.set(index, next);
    return next;
  }
}
