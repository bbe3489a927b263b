import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DomainEvent } from '@cinema/events';
import type { Identity } from '@cinema/serving';
import { createLogger } from '@cinema/config';
import { getOperationAST, parse, type ExecutionResult } from 'graphql';
import { deriveQuery, ENTITY_ID_VARIABLE } from './derive-query';
import { SubscriptionHub, type Execute } from './hub';
import { readLiveFields } from './live-fields';
import type { LiveStream } from './live-stream';
import { subscriptionMetrics } from './metrics';

const fields = readLiveFields(readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8'));
const MOVIE = 'm1';

/** A hub over an in-process executor that records each execution (the e2e tests run the real gateway). */
function hubWith(maxPayloadBytes = 10_000) {
  const executed: Array<{ variables: Record<string, unknown>; caller: string | null }> = [];
  const execute: Execute = async (_query, variables, identity) => {
    executed.push({ variables, caller: identity?.sub ?? null });
    // The title says whose execution answered; padded past a small bound to make a payload too large.
    return { data: { movie: { title: `seen by ${identity?.sub ?? 'anyone'}`.padEnd(maxPayloadBytes > 1_000 ? 0 : 2_000, '.') } } };
  };
  const metrics = subscriptionMetrics();
  const hub = new SubscriptionHub(fields, { execute, logger: createLogger('hub-test', 'silent'), metrics, maxQueued: 10, maxPayloadBytes });
  hub.interest = { acquire: async () => undefined, release: () => undefined };
  hub.setAvailable(true);
  const subscribe = (query: string, identity: Identity | null) => {
    const doc = parse(query);
    const derived = deriveQuery(doc, getOperationAST(doc)!, fields.get('movieUpdated')!, { id: MOVIE });
    return hub.open(fields.get('movieUpdated')!, derived, identity, { name: 'ws', cut: () => undefined, congested: () => false });
  };
  return { hub, executed, metrics, subscribe };
}

const event = (version: number): DomainEvent =>
  ({ eventId: `e${version}`, type: 'movie.updated', source: 'movies', aggregateId: MOVIE, aggregateVersion: version, occurredAt: new Date().toISOString(), correlationId: `c${version}`, schemaVersion: 1, data: { id: MOVIE } }) as unknown as DomainEvent;

const next = async (stream: LiveStream) => (await stream.next()).value as ExecutionResult;
const alice: Identity = { sub: 'alice', scopes: ['read'] };

describe('the hub: one event, the subscribers of its entity', () => {
  it('executes once per (query, variables, caller), moves the answer under each subscriber\'s own response key', async () => {
    const { hub, executed, subscribe } = hubWith();
    const plain = await Promise.all([1, 2, 3].map(() => subscribe('subscription($id: ID!) { movieUpdated(id: $id) { title } }', null)));
    const aliased = await subscribe('subscription($id: ID!) { renamed: movieUpdated(id: $id) { title } }', null);
    const asAlice = await subscribe('subscription($id: ID!) { movieUpdated(id: $id) { title } }', alice);
    await hub.onEvent(event(1), Date.now());

    for (const s of plain) expect(await next(s)).toEqual({ data: { movieUpdated: { title: 'seen by anyone' } } });
    expect(await next(aliased)).toEqual({ data: { renamed: { title: 'seen by anyone' } } });
    expect(await next(asAlice)).toEqual({ data: { movieUpdated: { title: 'seen by alice' } } });
    // Four anonymous subscribers (one aliased) shared one execution; alice had her own.
    expect(executed).toEqual([{ variables: { [ENTITY_ID_VARIABLE]: MOVIE }, caller: null }, { variables: { [ENTITY_ID_VARIABLE]: MOVIE }, caller: 'alice' }]);
  });

  it('a payload over the bound becomes PAYLOAD_TOO_LARGE for each subscriber, each counted as a drop', async () => {
    const { hub, metrics, subscribe } = hubWith(500);
    const streams = await Promise.all([1, 2].map(() => subscribe('subscription($id: ID!) { movieUpdated(id: $id) { title } }', null)));
    await hub.onEvent(event(1), Date.now());
    for (const s of streams) expect((await next(s)).errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await metrics.dropped.get()).values.find((v) => v.labels.reason === 'too_large')?.value).toBe(2);
  });

  it('counts each delivery under its field', async () => {
    const { hub, metrics, subscribe } = hubWith();
    const streams = await Promise.all([1, 2].map(() => subscribe('subscription($id: ID!) { movieUpdated(id: $id) { title } }', null)));
    await hub.onEvent(event(1), Date.now());
    await hub.onEvent(event(2), Date.now());
    for (const s of streams) {
      await next(s);
      await next(s);
    }
    expect((await metrics.delivered.get()).values).toEqual([expect.objectContaining({ labels: { field: 'movieUpdated' }, value: 4 })]);
  });
});
