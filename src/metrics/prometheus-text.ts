/** Label name → value of one series. */
export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
}

/** Backslash, double quote and newline are the characters a label value must escape. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * Builds the Prometheus text exposition format (version 0.0.4): each metric
 * once, with HELP and TYPE, then its series.
 */
export class PrometheusText {
  private readonly lines: string[] = [];

  gauge(name: string, help: string, samples: Sample[]): this {
    this.header(name, help, 'gauge');
    for (const sample of samples) this.lines.push(`${name}${labelText(sample.labels)} ${number(sample.value)}`);
    return this;
  }

  /** `observations` per label set; buckets are upper bounds in ascending order, `+Inf` is added. */
  histogram(name: string, help: string, buckets: number[], series: Array<{ labels: Labels; observations: number[] }>): this {
    this.header(name, help, 'histogram');
    for (const { labels, observations } of series) {
      for (const bound of [...buckets, Infinity]) {
        const count = observations.filter((value) => value <= bound).length;
        this.lines.push(`${name}_bucket${labelText({ ...labels, le: number(bound) })} ${count}`);
      }
      this.lines.push(`${name}_sum${labelText(labels)} ${number(observations.reduce((sum, value) => sum + value, 0))}`);
      this.lines.push(`${name}_count${labelText(labels)} ${observations.length}`);
    }
    return this;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }

  private header(name: string, help: string, type: 'gauge' | 'histogram'): void {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
  }
}

/** Groups values by a key built from their labels, keeping the labels. */
export function groupBy<T>(items: T[], labelsOf: (item: T) => Labels | undefined, valueOf: (item: T) => number | undefined): Array<{ labels: Labels; observations: number[] }> {
  const groups = new Map<string, { labels: Labels; observations: number[] }>();
  for (const item of items) {
    const labels = labelsOf(item);
    const value = valueOf(item);
    if (!labels || value === undefined || !Number.isFinite(value)) continue;
    const key = JSON.stringify(labels);
    const group = groups.get(key) ?? { labels, observations: [] };
    group.observations.push(value);
    groups.set(key, group);
  }
  return [...groups.values()];
}
