import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getOperationAST, GraphQLError, parse } from 'graphql';
import { answer, deriveQuery, ENTITY_ID_VARIABLE, matchQuery } from './derive-query';
import { readLiveFields, valueAt } from './live-fields';

const supergraph = readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
const fields = readLiveFields(supergraph);

describe('what the supergraph says feeds each Subscription field', () => {
  it('reads every @fromEvents of the composed supergraph', () => {
    expect(Object.fromEntries([...fields].map(([k, f]) => [k, [f.argument, f.entity, f.match.from, f.match.path.join('.'), f.events.length]]))).toEqual({
      movieUpdated: ['id', 'movie', 'data', 'id', 2],
      reviewAdded: ['movieId', 'review', 'data', 'movieId', 1],
      screeningScheduled: ['cityId', 'screening', 'entity', 'cinema.city.id', 1],
      bookingUpdated: ['id', 'booking', 'data', 'id', 5],
    });
  });

  it('refuses a declaration it could not serve, naming the field', () => {
    const sdl = (d: string) => `type Subscription { x(id: ID!): Int ${d} }`;
    expect(() => readLiveFields(sdl('@fromEvents(events: ["movie.renamed"], entity: "movie", match: "data.id")'))).toThrow(/Subscription.x .*unknown: movie.renamed/);
    expect(() => readLiveFields(sdl('@fromEvents(events: ["movie.updated"], entity: "movie", match: "id")'))).toThrow(/Subscription.x .*match/);
  });
});

describe('the query answering a payload', () => {
  const derive = (query: string, variables?: Record<string, unknown>) => {
    const doc = parse(query);
    const live = fields.get((getOperationAST(doc)!.selectionSet.selections[0] as { name: { value: string } }).name.value)!;
    return deriveQuery(doc, getOperationAST(doc)!, live, variables);
  };

  it('asks the entity\'s Query field with the subscriber\'s selection, under the same response key', () => {
    const d = derive('subscription On($m: ID!, $n: Int) { added: reviewAdded(movieId: $m) { rating movie { reviews(first: $n) { ...R } } } } fragment R on Review { body } fragment Unused on Review { id }', { m: 'abc', n: 2 });
    expect(d.argumentValue).toBe('abc');
    expect(d.variables).toEqual({ n: 2 });
    expect(d.query).toContain(`query On($${ENTITY_ID_VARIABLE}: ID!, $n: Int) {`);
    expect(d.query).toContain(`  review(id: $${ENTITY_ID_VARIABLE}) {`);
    expect(d.responseKey).toBe('added');
    expect(d.query).toContain('fragment R on Review');
    expect(d.query).not.toContain('Unused');
  });

  it('puts the answer under the subscriber\'s response key, errors\' paths included', () => {
    const e = new GraphQLError('no', { path: ['review', 'author', 'email'], extensions: { code: 'FORBIDDEN' } });
    const a = answer({ data: { review: { rating: 1, author: null } }, errors: [e] }, 'review', 'added');
    expect(a.data).toEqual({ added: { rating: 1, author: null } });
    expect(a.errors!.map((x) => [x.path, x.extensions.code])).toEqual([[['added', 'author', 'email'], 'FORBIDDEN']]);
    expect(answer({ data: null }, 'review', 'added')).toEqual({ data: null });
  });

  it('takes a literal argument too, and refuses a root field behind a fragment', () => {
    expect(derive('subscription { movieUpdated(id: "m1") { title } }').argumentValue).toBe('m1');
    const doc = parse('subscription { ...F } fragment F on Subscription { movieUpdated(id: "m1") { title } }');
    expect(() => deriveQuery(doc, getOperationAST(doc)!, fields.get('movieUpdated')!)).toThrow(/directly/);
  });

  it('reads the compared value from the event data or from the entity as the graph answers it', () => {
    expect(valueAt({ movieId: 'm1' }, ['movieId'])).toBe('m1');
    expect(valueAt({ cinema: { city: { id: 'c1' } } }, ['cinema', 'city', 'id'])).toBe('c1');
    expect(valueAt({ cinema: null }, ['cinema', 'city', 'id'])).toBeUndefined();
    expect(matchQuery(fields.get('screeningScheduled')!)).toBe(`query($${ENTITY_ID_VARIABLE}: ID!) { entity: screening(id: $${ENTITY_ID_VARIABLE}) { cinema { city { id } } } }`);
  });
});
