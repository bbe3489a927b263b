import { pathOfFetch, SubgraphUnavailableError, unavailableResponse } from './unavailable';

describe('where a failed fetch points', () => {
  it.each([
    ['a root fetch: its first root field', 'query Q__films__0{films{id title}}', ['films']],
    ['a root fetch with an alias', '{a:film(id:"1"){title} b:film(id:"2"){title}}', ['a']],
    ['a mutation', 'mutation M__shows__0($n:String!){addShow(name:$n)}', ['addShow']],
    ['an entity fetch: the first field of the first entity', 'query Q__shows__1($representations:[_Any!]!){_entities(representations:$representations){...on Film{__typename shows}}}', ['_entities', 0, 'shows']],
    ['an entity fetch over two types', 'query($representations:[_Any!]!){_entities(representations:$representations){...on A{__typename}...on B{x:y{z}}}}', ['_entities', 0, 'x']],
    ['something that does not parse', 'query {', []],
  ])('%s', (_name, operation, path) => {
    expect(pathOfFetch(operation)).toEqual(path);
  });

  it('answers one SUBGRAPH_UNAVAILABLE error and no data; the message names the subgraph outside production only', () => {
    const err = new SubgraphUnavailableError('shows', 'timeout');
    expect(unavailableResponse(err, '{showsToday}', false)).toEqual({
      errors: [{ message: 'subgraph shows is unavailable (timeout)', path: ['showsToday'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }],
    });
    expect(JSON.stringify(unavailableResponse(err, '{showsToday}', true))).not.toContain('shows is');
  });
});
