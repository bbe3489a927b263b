import { buildASTSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { authorizationPlugin } from './policy-plugin';
import { policyFromSdl } from './policy';

const sdl = parse(`
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE
  type Query { public: String  admin: String @requiresScopes(scopes: [["admin"]]) }
`);
const schema = buildASTSchema(sdl);
const plugin = authorizationPlugin(policyFromSdl(sdl));

/** Runs the plugin's check for one request; the error code it refuses with, or 'allowed'. */
async function outcome(document: ReturnType<typeof parse>, identity: { sub: string; scopes: string[] } | null) {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const hooks = (await plugin.requestDidStart!({} as never)) as { didResolveOperation: (rc: unknown) => Promise<void> };
  try {
    await hooks.didResolveOperation({ document, operation, schema, contextValue: { identity } });
    return 'allowed';
  } catch (err) {
    return (err as { extensions: { code: string } }).extensions.code;
  }
}

describe('the cached authorization walk', () => {
  it('answers per kind of caller for the same document, whatever came first', async () => {
    const doc = parse('{ admin }');
    const admin = { sub: 'a', scopes: ['admin'] };
    const reader = { sub: 'r', scopes: ['reader'] };
    for (let round = 0; round < 2; round++) {
      expect(await outcome(doc, admin)).toBe('allowed');
      expect(await outcome(doc, null)).toBe('UNAUTHENTICATED');
      expect(await outcome(doc, reader)).toBe('FORBIDDEN');
      expect(await outcome(doc, { sub: 'x', scopes: ['reader', 'admin'] })).toBe('allowed');
    }
  });
});
