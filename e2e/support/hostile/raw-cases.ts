/**
 * Hostile requests that no schema walk produces: broken JSON and GraphQL, bodies of megabytes,
 * bytes that are not UTF-8, batches, floods and explosions. Each names its class for the summary.
 */
export interface RawCase {
  klass: string;
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const op = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
const CREATE_USER = 'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }';
const nested = (depth: number) => `{ movies { ${'reviews { movie { '.repeat(depth)}id${' } }'.repeat(depth)} } }`;
const utf8 = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const deepJson = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
const laughs = (levels: number) =>
  `query { ...F0 }\n${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ${i + 1 < levels ? `...F${i + 1} ...F${i + 1} a${i}: movies { id }` : 'movies { id title }'} }`).join('\n')}`;

export const RAW_CASES: RawCase[] = [
  ...['', '{', '{"query":', 'null', '"{ movies { id } }"', '123', 'true', '{"query": 5}', '{"query": null}', '{"query": {"$ne": null}}', '{"query":"{ movies { id } }","variables":"x"}', '{"query":"{ movies { id } }","variables":[1]}', '{"query":"{ movies { id } }","operationName":{"$ne":null}}', '{"query":"{ movies { id } }", "query": "{ cities { id } }"}', '{"__proto__":{"query":"{ movies { id } }"}}'].map(
    (body, i) => ({ klass: 'malformed-json', name: `json #${i}`, body }),
  ),
  ...['{', '}}}}', 'query {', 'mutation', '{ movie(id: ) { id } }', '{ movie(id: "unterminated) { id } }', '{ movies { id } } { cities { id } }', 'subscription { movies { id } }', '{ movies { id ', '{ mo\u0000vies { id } }', 'query Q($v: ID!) { movie(id: $v) { id } }', '{ movie(id: "\\ud800") { id } }', '{ __schema { types { name } } } fragment X on Nope { id }', '{ movies(first: "ten") { id } }', '{ movies { id(arg: 1) } }'].map(
    (query, i) => ({ klass: 'malformed-graphql', name: `graphql #${i}`, body: op(query) }),
  ),
  { klass: 'multi-megabyte', name: '300 kB document', body: op(`{ movies { id } } # ${'x'.repeat(300_000)}`) },
  { klass: 'multi-megabyte', name: '3 MB document', body: op(`{ ${'movies { id } '.repeat(200_000)} }`) },
  { klass: 'multi-megabyte', name: '6 MB variable', body: op(CREATE_USER, { i: { email: 'big@x.io', fullName: 'x'.repeat(6_000_000) } }) },
  { klass: 'multi-megabyte', name: '200 kB id under the body limit', body: op(`{ movie(id: "${'f'.repeat(200_000)}") { id } }`) },
  { klass: 'multi-megabyte', name: '200 kB of tokens under the body limit', body: op(`{ ${'__typename '.repeat(18_000)} }`) },
  { klass: 'oversized-strings', name: '240 kB fullName', body: op(CREATE_USER, { i: { email: 'long@x.io', fullName: 'y'.repeat(240_000) } }) },
  { klass: 'invalid-utf8', name: '0xff 0xfe in a name', body: utf8('{"query":"mutation { createUser(input: {email: \\"u1@x.io\\", fullName: \\"a', [0xff, 0xfe], '\\"}) { id } }"}') },
  { klass: 'invalid-utf8', name: 'overlong NUL', body: utf8('{"query":"mutation { createUser(input: {email: \\"u2@x.io\\", fullName: \\"a', [0xc0, 0x80], '\\"}) { id } }"}') },
  { klass: 'invalid-utf8', name: 'UTF-8-encoded surrogate', body: utf8('{"query":"mutation { createUser(input: {email: \\"u3@x.io\\", fullName: \\"a', [0xed, 0xa0, 0x80], '\\"}) { id } }"}') },
  { klass: 'invalid-utf8', name: 'truncated sequence in a variable', body: utf8('{"query":"', CREATE_USER, '","variables":{"i":{"email":"u4@x.io","fullName":"ab', [0xe2, 0x82], '"}}}') },
  { klass: 'invalid-utf8', name: 'JSON-escaped lone surrogate', body: '{"query":"' + CREATE_USER + '","variables":{"i":{"email":"u5@x.io","fullName":"a\\ud800b"}}}' },
  { klass: 'invalid-utf8', name: 'JSON-escaped low surrogate first', body: '{"query":"' + CREATE_USER + '","variables":{"i":{"email":"u6@x.io","fullName":"\\udc00\\ud800"}}}' },
  { klass: 'batched-arrays', name: 'empty batch', body: '[]' },
  { klass: 'batched-arrays', name: 'batch of one', body: `[${op('{ movies { id } }')}]` },
  { klass: 'batched-arrays', name: 'batch of 1000', body: `[${Array.from({ length: 1000 }, () => op('{ movies { id } }')).join(',')}]` },
  { klass: 'batched-arrays', name: 'batched mutations', body: `[${op(CREATE_USER, { i: { email: 'b1@x.io', fullName: 'B' } })},${op(CREATE_USER, { i: { email: 'b2@x.io', fullName: 'B' } })}]` },
  { klass: 'batched-arrays', name: 'nested batch', body: `[[${op('{ movies { id } }')}]]` },
  { klass: 'deep-nesting', name: 'selection 13 deep', body: op(nested(7)) },
  { klass: 'deep-nesting', name: 'selection 200 deep', body: op(nested(100)) },
  { klass: 'deep-nesting', name: 'list literal 900 deep', body: op(`{ movie(id: ${deepJson(900)}) { id } }`) },
  { klass: 'deep-nesting', name: 'list literal 40 000 deep', body: op(`{ movie(id: ${deepJson(40_000)}) { id } }`) },
  { klass: 'deep-nesting', name: 'variable nested 100 000 deep', body: `{"query":"query($g: [String!]) { movies(after: $g) { id } }","variables":{"g":${deepJson(100_000)}}}` },
  { klass: 'deep-nesting', name: 'JSON object nested 100 000 deep', body: `{"query":"{ movies { id } }","extensions":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}` },
  { klass: 'alias-flood', name: '16 aliases', body: op(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: cities { id }`).join(' ')} }`) },
  { klass: 'alias-flood', name: '5000 aliases', body: op(`{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: movies { id }`).join(' ')} }`) },
  { klass: 'directive-flood', name: '51 directives', body: op(`{ movies ${'@include(if: true) '.repeat(51)}{ id } }`) },
  { klass: 'directive-flood', name: '10 000 unknown directives', body: op(`{ movies ${'@x '.repeat(10_000)}{ id } }`) },
  { klass: 'fragments', name: 'fragment explosion 2^30', body: op(laughs(30)) },
  { klass: 'fragments', name: 'fragment cycle', body: op('query { ...A } fragment A on Query { ...B movies { id } } fragment B on Query { ...A }') },
  { klass: 'fragments', name: '500 unused fragments', body: op(`{ movies { id } } ${Array.from({ length: 500 }, (_, i) => `fragment U${i} on Movie { id }`).join(' ')}`) },
  { klass: 'protocol', name: 'unknown persisted query', body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }) },
  { klass: 'protocol', name: 'persisted query hash mismatch', body: JSON.stringify({ query: '{ movies { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } }) },
  { klass: 'protocol', name: 'text/plain (CSRF)', body: op('{ movies { id } }'), headers: { 'content-type': 'text/plain' } },
  { klass: 'protocol', name: 'form content type', body: 'query=%7B%20movies%20%7B%20id%20%7D%20%7D', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
  { klass: 'protocol', name: 'gzip claimed, not gzip', body: op('{ movies { id } }'), headers: { 'content-encoding': 'gzip' } },
  { klass: 'protocol', name: 'charset latin1 claimed', body: op('{ movies { id } }'), headers: { 'content-type': 'application/json; charset=latin1' } },
  ...['Bearer', 'Bearer ', 'Bearer x.y.z', `Bearer ${'A'.repeat(20_000)}`, 'Basic Z3Vlc3Q6Z3Vlc3Q=', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAiLCJzY29wZSI6ImFkbWluIn0.'].map(
    (authorization, i) => ({ klass: 'bad-credentials', name: `authorization #${i}`, body: op('mutation { createCity(input: { name: "Forged" }) { id } }'), headers: { authorization } }),
  ),
];
