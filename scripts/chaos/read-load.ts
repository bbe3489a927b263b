/**
 * A read load through the gateway in two kinds, each from clients of its own: reads that do not touch
 * catalog (movies and their reviews' authors: movies and users) and reads that do (movies with their
 * screenings: catalog contributes `Movie.screenings`). Every answer is classified; latencies are kept
 * per phase (a warm-up, `before` the fault, then `during`), so a scenario can compare them.
 */
const UNTOUCHED = [
  '{ movies(first: 10) { id title averageRating } }',
  '{ movies(first: 3) { title reviews(first: 3) { rating authorName author { fullName } } } }',
];
const TOUCHING = '{ movies(first: 5) { id title screenings { startsAt } } }';

type Phase = 'warm-up' | 'before' | 'during';
interface Answer { status: number; body?: { data?: { movies?: Array<{ title?: string; screenings?: unknown }> } | null; errors?: Array<{ path?: unknown[]; extensions?: { code?: string } }> } }

export class ReadLoad {
  private phase: Phase = 'warm-up';
  private running = false;
  private loops: Promise<void>[] = [];
  readonly latencies: Record<Phase, number[]> = { 'warm-up': [], before: [], during: [] };
  readonly touching = { full: 0, partial: 0, other: 0, partialMs: [] as number[] };
  readonly problems: string[] = [];
  http5xx = 0;

  constructor(private readonly url: string, private readonly headers: Record<string, string>) {}

  start(clients = { untouched: 4, touching: 2 }): void {
    this.running = true;
    const loop = (touching: boolean) => async () => {
      for (let i = 0; this.running; i++) {
        const query = touching ? TOUCHING : UNTOUCHED[i % UNTOUCHED.length]!;
        const phase = this.phase;
        const started = performance.now();
        const answer = await this.send(query);
        const ms = performance.now() - started;
        if (answer.status >= 500) this.http5xx++;
        if (touching) this.classify(answer, ms);
        else if (answer.status === 200 && answer.body?.data?.movies && !answer.body.errors) this.latencies[phase].push(ms);
        else this.problem(`a read that does not touch catalog failed: HTTP ${answer.status} ${JSON.stringify(answer.body?.errors ?? null).slice(0, 200)}`);
      }
    };
    this.loops = [...Array.from({ length: clients.untouched }, () => loop(false)()), ...Array.from({ length: clients.touching }, () => loop(true)())];
  }

  /** Latencies from now on are the baseline (the first reads warm the processes up). */
  measure(): void {
    this.phase = 'before';
  }

  /** From now on latencies count as measured during the fault. */
  faultStarts(): void {
    this.phase = 'during';
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async send(query: string): Promise<Answer> {
    try {
      const res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json', ...this.headers }, body: JSON.stringify({ query }), signal: AbortSignal.timeout(20_000) });
      return { status: res.status, body: (await res.json()) as Answer['body'] };
    } catch (err) {
      return { status: 0, body: { errors: [{ extensions: { code: (err as Error).name } }] } };
    }
  }

  /** Full (no error), partial (movies' data, screenings null, only SUBGRAPH_UNAVAILABLE at `screenings`), or anything else. */
  private classify(answer: Answer, ms: number): void {
    const movies = answer.body?.data?.movies;
    const errors = answer.body?.errors ?? [];
    if (answer.status === 200 && movies && errors.length === 0) return void this.touching.full++;
    const partial =
      answer.status === 200 && movies?.every((m) => typeof m.title === 'string' && m.screenings === null) &&
      errors.length === 1 && errors[0]!.extensions?.code === 'SUBGRAPH_UNAVAILABLE' && errors[0]!.path?.at(-1) === 'screenings';
    if (partial) {
      this.touching.partial++;
      this.touching.partialMs.push(ms);
      return;
    }
    this.touching.other++;
    this.problem(`a read touching catalog got neither a full nor a partial answer: HTTP ${answer.status} ${JSON.stringify(errors).slice(0, 200)}`);
  }

  private problem(p: string): void {
    if (this.problems.length < 5) this.problems.push(p);
  }
}

/** Nearest-rank percentile. */
export const percentile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
};
