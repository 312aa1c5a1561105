import type { PullProgress } from './image-client';

const mb = (bytes: number): string => {
  const value = bytes / 1_000_000;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} MB`;
};

/**
 * Pure: adds up Docker's per-layer pull progress into a few lines for the
 * deploy's events ("pulled 45 MB of 120 MB"): one as each quarter of the
 * bytes known so far arrives, and a summary at the end.
 */
export class PullTally {
  private readonly layers = new Map<string, { current: number; total: number }>();
  private readonly present = new Set<string>();
  private quartersSaid = 0;

  /** Takes one progress event; returns a line when one is due. */
  update(progress: PullProgress): string | undefined {
    const layer = progress.layer;
    if (!layer) return undefined;
    if (progress.status === 'Already exists') {
      this.present.add(layer);
      return undefined;
    }
    const known = this.layers.get(layer);
    if (progress.status === 'Downloading' && progress.total) {
      this.layers.set(layer, { current: progress.current ?? 0, total: progress.total });
    } else if (known && (progress.status === 'Download complete' || progress.status === 'Pull complete')) {
      known.current = known.total;
    } else {
      return undefined;
    }
    const { current, total } = this.bytes();
    const quarters = Math.floor((current / total) * 4);
    if (quarters <= this.quartersSaid || quarters >= 4) return undefined;
    this.quartersSaid = quarters;
    return `pulled ${mb(current)} of ${mb(total)}`;
  }

  /** The closing line: what came over the network, and what the host already had. */
  summary(): string {
    const { current, total } = this.bytes();
    const present = this.present.size > 0 ? `, ${this.present.size} already on the host` : '';
    if (this.layers.size === 0) return this.present.size > 0 ? `image layers already on the host (${this.present.size})` : 'image already on the host';
    return `pulled ${mb(current)} of ${mb(total)} (${this.layers.size} ${this.layers.size === 1 ? 'layer' : 'layers'}${present})`;
  }

  private bytes(): { current: number; total: number } {
    let current = 0;
    let total = 0;
    for (const layer of this.layers.values()) {
      current += layer.current;
      total += layer.total;
    }
    return { current, total: Math.max(total, 1) };
  }
}
