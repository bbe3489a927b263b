import { GraphQLError } from 'graphql';

export const SUBGRAPH_RESPONSE_TOO_LARGE = 'SUBGRAPH_RESPONSE_TOO_LARGE';

/**
 * A subgraph answer over the gateway's limit fails that fetch: the gateway reports it as an error
 * of the operation (the rest of the answer stands) instead of holding megabytes for a client that
 * asked too much. Client-safe: the client's selection made it, and it names no host. The subgraph
 * goes in the extensions, which production strips.
 */
export function subgraphResponseTooLarge(subgraph: string, maxBytes: number): GraphQLError {
  return new GraphQLError(`a subgraph answer exceeded the gateway's limit of ${maxBytes} bytes (SUBGRAPH_RESPONSE_LIMIT): ask for fewer items`, {
    extensions: { code: SUBGRAPH_RESPONSE_TOO_LARGE, subgraph },
  });
}

/**
 * Reads a response body up to `maxBytes`: refused at once when its content-length says it is larger,
 * and as soon as the bytes read pass the limit otherwise (a chunked answer), so at most
 * `maxBytes` plus one chunk is ever held. `discard` frees the connection of a refused body.
 */
export async function readBounded(
  body: AsyncIterable<Uint8Array>,
  o: { maxBytes: number; contentLength?: string | null; subgraph: string; discard: () => void },
): Promise<string> {
  const declared = o.contentLength ? Number(o.contentLength) : NaN;
  if (declared > o.maxBytes) {
    o.discard();
    throw subgraphResponseTooLarge(o.subgraph, o.maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > o.maxBytes) {
      o.discard();
      throw subgraphResponseTooLarge(o.subgraph, o.maxBytes);
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)).toString('utf8');
}
