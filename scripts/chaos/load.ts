/**
 * A steady mutation load through the gateway, as an admin: `clients` concurrent clients, each
 * sending one mutation at a time, paced so that together they ask for `ratePerSecond` (a client whose
 * answers come slower than its pace sends less: the achieved rate is in the stats). What is sent is a
 * list of ops (cinema-writes.ts; another workload adds its own), picked by weight. Bounded by
 * `stop()` and by a timeout on every request.
 */
export interface LoadStats {
  sent: number;
  ok: number;
  /** Refused as the client's mistake (e.g. a movie the catalog replica does not know yet). */
  rejected: number;
  /** Anything else: timeouts, unreachable services, internal errors (expected while a fault lasts). */
  failed: number;
  /** Of a window's failures, those whose request was sent before the window began (counted by answer time). */
  failedSentBefore: number;
  /** The first few distinct reasons of the failures counted. */
  reasons: string[];
  /** How long the load ran, and the mutations it sent per second over that time. */
  seconds: number;
  perSecond: number;
  /** Answer times, every request counted (failed ones too). */
  p50Ms: number;
  p99Ms: number;
}

/** One GraphQL request of the load: its data when it answered without error, else undefined (counted). */
export type Call = (query: string, variables: Record<string, unknown>) => Promise<Record<string, any> | undefined>;

/**
 * One kind of mutation. `run` sends at most one request through `call`, and records what it needs
 * to check later; when it had nothing to do (no entity to update yet) another op is picked at once.
 */
export interface LoadOp {
  name: string;
  weight: number;
  run(call: Call): Promise<void>;
}

const counts = () => ({ sent: 0, ok: 0, rejected: 0, failed: 0 });
type Counts = ReturnType<typeof counts>;
interface Failure { sentAt: number; reason: string }

const reasonsOf = (failures: Failure[]) => [...new Set(failures.map((f) => f.reason))].slice(0, 3);

function summary(c: Counts & { failedSentBefore?: number; reasons?: string[] }, seconds: number, latencies: number[]): LoadStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { failedSentBefore: 0, reasons: [], ...c, seconds: round(seconds), perSecond: seconds > 0 ? round(c.sent / seconds) : 0, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export class MutationLoad {
  private readonly counts: Counts = counts();
  private readonly latencies: number[] = [];
  private readonly failures: Failure[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly o: { ratePerSecond: number; ops: LoadOp[]; clients?: number },
  ) {
    if (o.ops.length === 0) throw new Error('MutationLoad needs at least one op');
  }

  /** Two clients per mutation/s asked, at least 3: each paces itself at one request per 500 ms. */
  get clients(): number {
    return this.o.clients ?? Math.max(3, Math.ceil(this.o.ratePerSecond / 2));
  }

  get stats(): LoadStats {
    return summary({ ...this.counts, reasons: reasonsOf(this.failures) }, ((this.running ? Date.now() : this.stoppedAt) - this.startedAt) / 1000, this.latencies);
  }

  /**
   * Starts counting a window (e.g. while a fault lasts); the function returned gives what was sent
   * since (latencies: of the answers that came since, some sent before).
   */
  window(): () => LoadStats {
    const before = { ...this.counts };
    const [t0, from, failedFrom] = [Date.now(), this.latencies.length, this.failures.length];
    return () => {
      const c = this.counts;
      const failures = this.failures.slice(failedFrom);
      const d = {
        sent: c.sent - before.sent, ok: c.ok - before.ok, rejected: c.rejected - before.rejected, failed: c.failed - before.failed,
        failedSentBefore: failures.filter((f) => f.sentAt < t0).length, reasons: reasonsOf(failures),
      };
      return summary(d, (Date.now() - t0) / 1000, this.latencies.slice(from));
    };
  }

  private readonly call: Call = async (query, variables) => {
    this.counts.sent++;
    const [t0, sentAt] = [performance.now(), Date.now()];
    const fail = (reason: string) => {
      this.counts.failed++;
      this.failures.push({ sentAt, reason: reason.slice(0, 160) });
    };
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json()) as { data?: Record<string, any>; errors?: Array<{ extensions?: { code?: string } }> };
      if (!body.errors?.length && body.data) {
        this.counts.ok++;
        return body.data;
      }
      if (body.errors?.every((e) => e.extensions?.code === 'BAD_USER_INPUT')) this.counts.rejected++;
      else fail(`HTTP ${res.status}: ${body.errors?.map((e) => e.extensions?.code ?? 'no code').join(', ') ?? 'no data'}`);
    } catch (err) {
      fail(`${(err as Error).name}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`);
    } finally {
      this.latencies.push(performance.now() - t0);
    }
    return undefined;
  };

  private pick(): LoadOp {
    const total = this.o.ops.reduce((n, op) => n + op.weight, 0);
    let r = Math.random() * total;
    for (const op of this.o.ops) if ((r -= op.weight) < 0) return op;
    return this.o.ops[0]!;
  }

  /** One request: ops that had nothing to do give way to another (a few tries, then a pause). */
  private async once(): Promise<void> {
    for (let tries = 0; tries < 5; tries++) {
      let called = false;
      await this.pick().run((query, variables) => ((called = true), this.call(query, variables)));
      if (called) return;
    }
  }

  start(): void {
    this.running = true;
    this.startedAt = Date.now();
    const interval = (1000 * this.clients) / this.o.ratePerSecond;
    this.loops = Array.from({ length: this.clients }, async (_, i) => {
      // Staggered, so the clients do not send in bursts.
      await new Promise((r) => setTimeout(r, (interval * i) / this.clients));
      while (this.running) {
        const started = Date.now();
        await this.once();
        await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - started))));
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stoppedAt = Date.now();
    await Promise.all(this.loops);
  }
}
