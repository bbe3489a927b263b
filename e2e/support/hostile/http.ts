/** What a hostile request got back, read as text first: a 5xx HTML page must fail the test, not the JSON parser. */
export interface Answer {
  status: number;
  body: any;
  text: string;
}

export async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** Codes a client may see and act on; INTERNAL_SERVER_ERROR is deliberately absent. */
export const CLIENT_SAFE = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
  'COST_ESTIMATED_TOO_EXPENSIVE',
  'SUBGRAPH_RESPONSE_TOO_LARGE',
  'RESPONSE_TOO_LARGE',
]);
// 403: a signed-in caller without the scope; 415: a charset the JSON parser does not read.
export const EXPECTED_STATUS = new Set([200, 400, 401, 403, 413, 415, 429]);

/**
 * The outcome of one case for the summary ('data', or the sorted error codes), and what is wrong
 * with it if anything: a status outside the expected ones, a body that is not a GraphQL response,
 * an unknown or internal error code.
 */
export function judge(a: Answer, o: { mustRefuse?: boolean } = {}): { outcome: string; problem?: string } {
  // Node's HTTP parser answers headers over 16 kB itself, before any middleware: no GraphQL body.
  if (a.status === 431 && a.text === '') return { outcome: 'HTTP_431_HEADERS_TOO_LARGE' };
  const errors: any[] = Array.isArray(a.body?.errors) ? a.body.errors : [];
  const codes = [...new Set(errors.map((e) => String(e?.extensions?.code)))].sort();
  const outcome = codes.length ? codes.join('+') : 'data';
  if (!EXPECTED_STATUS.has(a.status)) return { outcome, problem: `status ${a.status}: ${a.text.slice(0, 300)}` };
  if (!a.body || (typeof a.body !== 'object') || (!('data' in a.body) && !errors.length)) return { outcome, problem: `not a GraphQL response: ${a.text.slice(0, 300)}` };
  const unsafe = codes.filter((c) => !CLIENT_SAFE.has(c));
  if (unsafe.length) return { outcome, problem: `unsafe codes ${unsafe.join(',')}: ${JSON.stringify(errors).slice(0, 400)}` };
  // Every root field of a poisoned mutation carries a refused value: any write is a validation hole.
  const wrote = a.body.data && Object.values(a.body.data).some((v) => v !== null && v !== false);
  if (o.mustRefuse && wrote) return { outcome, problem: `a hostile mutation was accepted: ${a.text.slice(0, 300)}` };
  return { outcome };
}
