export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

/** POSTs one operation to a GraphQL endpoint over real HTTP. */
export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  /** Extra headers, or a function of the exact body (to sign it as the gateway does). */
  headers: Record<string, string> | ((body: string) => Record<string, string>) = {},
  /** A bound on the whole request (none by default). */
  timeoutMs?: number,
): Promise<GraphQLResponse<T>> {
  const body = JSON.stringify({ query, variables });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(typeof headers === 'function' ? headers(body) : headers) },
    body,
    signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
  });
  const answer = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: res.status, ...answer };
}

/** The `extensions.code` of each error, for compact assertions. */
export const errorCodes = (r: GraphQLResponse) => (r.errors ?? []).map((e) => e.extensions?.code);
