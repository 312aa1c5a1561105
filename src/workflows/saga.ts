import { CancellationScope } from '@temporalio/workflow';
import { failureMessage } from './step-log';

interface Undo {
  what: string;
  run: () => Promise<void>;
  runsFirst: boolean;
}

/**
 * The compensation list: each step that changes the world registers its undo
 * before it acts, at the front, so undos run newest first. Every undo is
 * idempotent, so registering before acting is safe when the step never ran.
 */
export class Saga {
  private undos: Undo[] = [];

  /**
   * `runsFirst` keeps an undo ahead of those registered after it: a schema
   * must go back down before the previous release takes traffic again.
   */
  register(what: string, run: () => Promise<void>, options: { runsFirst?: boolean } = {}): void {
    const runsFirst = options.runsFirst ?? false;
    const at = runsFirst ? 0 : this.undos.filter((undo) => undo.runsFirst).length;
    this.undos.splice(at, 0, { what, run, runsFirst });
  }

  /** Forgets the undos: what was done now stands. */
  commit(): void {
    this.undos = [];
  }

  /**
   * Runs every undo, shielded from cancellation so a cancelled deploy still
   * cleans up. Returns the undos that failed even after their retries.
   */
  async compensate(): Promise<string[]> {
    const undos = this.undos;
    this.undos = [];
    return CancellationScope.nonCancellable(async () => {
      const failed: string[] = [];
      for (const undo of undos) {
        try {
          await undo.run();
        } catch (error) {
          failed.push(`${undo.what}: ${failureMessage(error)}`);
        }
      }
      return failed;
    });
  }
}
