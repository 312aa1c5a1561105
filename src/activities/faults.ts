import { readFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/activity';
import { failureTypes } from '../model/failures';

/** Where a test can make a deploy fail; production workers carry no faults. */
export type FaultPoint = 'pull' | 'start' | 'health' | 'switch' | 'monitor' | 'retire' | 'remove-candidate';

/**
 * `before`: fail before acting. `after`: act, then fail as if the process died
 * before the result was recorded. `delay`: stall (heartbeating, cancellable) before acting.
 */
export type Fault = { kind: 'before' } | { kind: 'after' } | { kind: 'delay'; ms: number };

/** A fault-injection switch that integration tests flip per step. */
export class Faults {
  private readonly plan = new Map<FaultPoint, Fault>();

  set(point: FaultPoint, fault: Fault): void {
    this.plan.set(point, fault);
  }

  clear(): void {
    this.plan.clear();
  }

  protected lookup(point: FaultPoint): Fault | undefined {
    return this.plan.get(point);
  }

  async before(point: FaultPoint): Promise<void> {
    const fault = this.lookup(point);
    if (fault?.kind === 'before') throw injected(point, 'before acting');
    if (fault?.kind === 'delay') {
      const ctx = Context.current();
      for (let waited = 0; waited < fault.ms; waited += 250) {
        ctx.heartbeat(`injected delay at ${point}`);
        await ctx.sleep(250);
      }
    }
  }

  after(point: FaultPoint): void {
    if (this.lookup(point)?.kind === 'after') throw injected(point, 'after acting, before the result was recorded');
  }
}

function injected(point: FaultPoint, when: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`injected fault at ${point}, ${when}`, failureTypes.injectedFault);
}

export const noFaults = new Faults();

/**
 * Faults for a worker running as its own process: read from a JSON file,
 * `{ "<host>": { "<point>": Fault } }`, at every step, so a test can change the
 * plan while the process runs (and a new worker starts with an empty one).
 */
export class FileFaults extends Faults {
  constructor(
    private readonly file: string,
    private readonly host: string,
  ) {
    super();
  }

  protected override lookup(point: FaultPoint): Fault | undefined {
    let plan: Record<string, Partial<Record<FaultPoint, Fault>>>;
    try {
      plan = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return undefined;
    }
    return plan[this.host]?.[point];
  }
}
