import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Class → cases → outcome counts, written for docs/reliability.md to cite. */
export type ClassSummary = { cases: number; outcomes: Record<string, number>; examples: Record<string, string> };

export class HostileSummary {
  readonly classes: Record<string, ClassSummary> = {};

  /** Counts one case; the first message seen per outcome is kept as its example. */
  record(klass: string, outcome: string, example?: string): void {
    const c = (this.classes[klass] ??= { cases: 0, outcomes: {}, examples: {} });
    c.cases++;
    c.outcomes[outcome] = (c.outcomes[outcome] ?? 0) + 1;
    if (example && !(outcome in c.examples)) c.examples[outcome] = example.slice(0, 160);
  }

  get total(): number {
    return Object.values(this.classes).reduce((n, c) => n + c.cases, 0);
  }

  /**
   * Merges this side (graphql or amqp) into `.data/hostile-summary.json`, keeping the other side's
   * figures: the two test files run in separate jest workers and each writes its own part.
   */
  write(side: 'graphql' | 'amqp', extra: Record<string, unknown> = {}): string {
    const dir = join(__dirname, '..', '..', '..', '.data');
    const file = join(dir, 'hostile-summary.json');
    mkdirSync(dir, { recursive: true });
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // First writer, or a file from an older format: start over.
    }
    all[side] = { at: new Date().toISOString(), cases: this.total, ...extra, classes: this.classes };
    writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
    return file;
  }
}
