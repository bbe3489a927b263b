import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { readBounded } from './bounded-body';
import { dedupe, expand } from './dedupe-representations';
import { SubgraphUnavailableError, unavailableResponse } from './resilience/unavailable';
import { encodeIdentity, IDENTITY_HEADER, SIGNATURE_HEADER, signRequest, type RequestContext } from '@cinema/serving';

export interface SubgraphFetchOptions {
  name: string;
  url?: string;
  /** This subgraph's own key (only it and the gateway hold it): it refuses any request without a valid signature. */
  signingKey: string;
  /** A subgraph that does not answer in time fails its part of the plan instead of holding the request. */
  timeoutMs: number;
  /** Wraps the signed fetcher (metrics, trace propagation). */
  instrument?: (fetcher: Fetcher) => Fetcher;
  /** The HTTP client under the signing (a pooled undici fetcher); Node's global fetch when absent. */
  transport?: Fetcher;
  /** Sends each distinct entity representation once per fetch (see dedupe-representations). */
  dedupeRepresentations?: boolean;
  /** Largest answer read from the subgraph with Node's global fetch (the pooled transport bounds its own). */
  maxResponseBytes?: number;
  /** Wraps the instrumented fetcher: the subgraph's breaker and retries (resilience/breakers.ts). */
  guard?: (fetcher: Fetcher) => Fetcher;
  /** Partial-answer errors name the subgraph only outside production. */
  production?: boolean;
}

/**
 * Signs each request with the subgraph's own key (its name, a nonce, body and identity: serving's
 * auth/request-signing.ts) and bounds it in time.
 * `transport` is the pooled undici fetcher (default); without one, Node's global fetch (kept for
 * the bench's on/off row), which also pools per origin but costs more per request.
 */
function signedFetcher({ name, signingKey, timeoutMs, maxResponseBytes }: SubgraphFetchOptions, transport?: Fetcher): Fetcher {
  if (transport) {
    return ((url: string, init: { body?: string; headers?: Record<string, string> } = {}) => {
      // RemoteGraphQLDataSource hands over a fresh plain object with lower-case names: add to it.
      const headers = init.headers ?? {};
      headers[SIGNATURE_HEADER] = signRequest(signingKey, name, init.body ?? '', headers[IDENTITY_HEADER] ?? '');
      return transport(url, { ...init, headers });
    }) as unknown as Fetcher;
  }
  return (async (url: string, init: { body?: string; headers?: Record<string, string> } = {}) => {
    const headers = new Headers(init.headers);
    headers.set(SIGNATURE_HEADER, signRequest(signingKey, name, init.body ?? '', headers.get(IDENTITY_HEADER) ?? ''));
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const res = await fetch(url, { ...init, headers, signal });
      if (maxResponseBytes === undefined || !res.body) return res;
      const body = await readBounded(res.body as unknown as AsyncIterable<Uint8Array>, {
        maxBytes: maxResponseBytes,
        contentLength: res.headers.get('content-length'),
        subgraph: name,
        discard: () => void res.body?.cancel().catch(() => {}),
      });
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (err) {
      if ((err as Error)?.name === 'TimeoutError') {
        throw Object.assign(new Error(`subgraph ${name} did not answer within ${timeoutMs} ms`), { name: 'TimeoutError' });
      }
      throw err;
    }
  }) as unknown as Fetcher;
}

/**
 * The gateway's way to a subgraph: the request id (correlation) and the verified identity travel
 * as headers the signature covers. Nothing the client sent is forwarded.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RequestContext> {
  private readonly dedupeRepresentations: boolean;
  private readonly production: boolean;

  constructor(options: SubgraphFetchOptions) {
    const signed = signedFetcher(options, options.transport);
    const instrumented = options.instrument ? options.instrument(signed) : signed;
    super({ url: options.url, fetcher: options.guard ? options.guard(instrumented) : instrumented });
    this.dedupeRepresentations = options.dedupeRepresentations ?? true;
    this.production = options.production ?? false;
  }

  /**
   * A fetch that failed for want of the subgraph answers as a subgraph response with no data and one
   * SUBGRAPH_UNAVAILABLE error at its fields, so Apollo nulls those fields (up to the nearest
   * nullable one) and keeps the rest of the answer, instead of an unlocated internal error.
   */
  // Typed through Apollo's own class: the response type lives in the copy of
  // @apollo/server-gateway-interface that @apollo/gateway nests, which a declaration cannot name.
  override async process(options: GraphQLDataSourceProcessOptions<RequestContext>): ReturnType<RemoteGraphQLDataSource<RequestContext>['process']> {
    const operation = options.request.query ?? '';
    try {
      return await this.fetchOnce(options);
    } catch (err) {
      if (err instanceof SubgraphUnavailableError) return unavailableResponse(err, operation, this.production);
      throw err;
    }
  }

  private async fetchOnce(options: GraphQLDataSourceProcessOptions<RequestContext>) {
    const representations = options.request.variables?.representations;
    const once = this.dedupeRepresentations && Array.isArray(representations) ? dedupe(representations) : undefined;
    if (!once) return super.process(options);
    options.request.variables = { ...options.request.variables, representations: once.unique };
    return expand(await super.process(options), once.slotOf);
  }

  override willSendRequest({ request, context }: Parameters<RemoteGraphQLDataSource<RequestContext>['willSendRequest'] & {}>[0]) {
    const headers = request.http?.headers;
    if (!headers) return;
    if (context?.requestId) headers.set('x-request-id', context.requestId);
    if (context?.identity) headers.set(IDENTITY_HEADER, encodeIdentity(context.identity));
    else headers.delete(IDENTITY_HEADER);
  }
}
