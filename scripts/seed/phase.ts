/**
 * One kind of entity, created until every planned one exists. Each round reads what exists (by
 * natural key), creates only what is missing, in aliased batches (one request carries up to 15
 * mutations, so the per-client rate limit allows 15 times the entities), then reads again: a
 * second run, or a round after a failure, therefore never creates anything twice, whatever a failed
 * request did or did not do. A replica that has not caught up yet (a review's author not yet known
 * to movies) is waited for, round after round; any other refusal stops the seed with its message.
 */
import { GatewayClient, inParallel, SeedError, type GraphQLError } from './client';
import type { Index } from './existing';

export interface PhaseSpec {
  name: string;
  /** The mutation and its input type, e.g. addReview / AddReviewInput. */
  field: string;
  inputType: string;
  items: { key: string; input: Record<string, unknown> }[];
  existing(): Promise<Index>;
  /** A refusal that a replica catching up will lift (matched on the message). */
  lagging?: RegExp;
}

export interface PhaseResult {
  name: string;
  planned: number;
  existed: number;
  created: number;
  seconds: number;
  index: Index;
}

export interface PhaseOptions {
  batch: number;
  concurrency: number;
  rounds?: number;
  onProgress(done: number): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Those an owner reports for an entity that exists: the next read finds it.
const EXISTS = /already (registered|exists)/;
const TRANSIENT = new Set(['SUBGRAPH_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'GATEWAY_TIMEOUT']);

export async function runPhase(client: GatewayClient, spec: PhaseSpec, o: PhaseOptions): Promise<PhaseResult> {
  const started = Date.now();
  const rounds = o.rounds ?? 8;
  let existed = 0;
  let created = 0;
  let lastRefusal = '';
  for (let round = 1; ; round++) {
    const have = await spec.existing();
    const missing = spec.items.filter((i) => !have.has(i.key));
    let done = spec.items.length - missing.length;
    o.onProgress(done);
    if (round === 1) [existed, created] = [done, missing.length];
    const finished = () => ({ name: spec.name, planned: spec.items.length, existed, created, seconds: (Date.now() - started) / 1000, index: have });
    if (!missing.length) return finished();
    if (round > rounds) throw new SeedError(`${spec.name}: ${missing.length} of ${spec.items.length} still missing after ${rounds} rounds (last refusal: ${lastRefusal})`);
    const waits: string[] = [];
    const batches = Array.from({ length: Math.ceil(missing.length / o.batch) }, (_, i) => missing.slice(i * o.batch, (i + 1) * o.batch));
    await inParallel(batches, o.concurrency, async (batch) => {
      const { refused, ids } = await send(client, spec, batch);
      for (const e of refused) {
        if (EXISTS.test(e.message) || spec.lagging?.test(e.message) || TRANSIENT.has(e.extensions?.code ?? '') || !e.path) waits.push(e.message);
        else throw new SeedError(`${spec.name}: the gateway refused ${JSON.stringify(batch[alias(e)]?.input)}: ${e.message}`);
      }
      for (const [key, id] of ids) have.set(key, id);
      o.onProgress((done += batch.length - refused.length));
    });
    // Every batch answered with every id: nothing left to find out. Otherwise read again (a refused
    // batch answers no ids at all: GraphQL nulls the whole answer for one failed non-null field).
    if (!waits.length) return finished();
    lastRefusal = waits[0]!;
    await sleep(Math.min(5_000, 250 * 2 ** round));
  }
}

const alias = (e: GraphQLError) => Number(String(e.path?.[0] ?? '').slice(1));

/** One request: `i0: addReview(input: $i0) { id } i1: …`; the errors name the refused aliases. */
async function send(client: GatewayClient, spec: PhaseSpec, batch: PhaseSpec['items']) {
  const vars = batch.map((_, i) => `$i${i}: ${spec.inputType}!`).join(', ');
  const fields = batch.map((_, i) => `i${i}: ${spec.field}(input: $i${i}) { id }`).join(' ');
  const answer = await client.request<Record<string, { id: string }>>(
    `mutation Seed(${vars}) { ${fields} }`,
    Object.fromEntries(batch.map((item, i) => [`i${i}`, item.input])),
  );
  const ids = new Map(answer.data ? batch.map((item, i) => [item.key, answer.data![`i${i}`]!.id]) : []);
  return { refused: answer.errors ?? [], ids };
}
