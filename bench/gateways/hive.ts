/**
 * Hive Gateway in its fastest configuration, as in The Guild's benchmark: the runtime on node:http,
 * graphql-jit execution, no logging, no landing page. A small onFetch plugin signs each subgraph
 * request (the same HMAC our gateway sends) so it can talk to our subgraphs.
 *
 * HIVE_INBOUND_DEDUPE=on: as its makers run it in their public federation benchmark
 * (graphql-hive/graphql-gateways-benchmark: `jit: true` and `inboundInflightRequestDeduplication:
 * true`): identical requests in flight at once share one execution. Its default key takes every
 * request header, the method, the URL, the document, operation name and variables.
 */
import http from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { useJIT } from '@graphql-mesh/plugin-jit';
import { signRequest, SIGNATURE_HEADER } from '@cinema/serving';
import { benchSupergraph, subgraphNameOf } from './supergraph';

const secret = process.env.GATEWAY_SIGNING_SECRET!;

const signing = {
  onFetch({ url, options, setOptions }: any) {
    const headers = { ...(options.headers ?? {}), [SIGNATURE_HEADER]: signRequest(secret, subgraphNameOf(String(url)), String(options.body ?? '')) };
    setOptions({ ...options, headers });
  },
};

const gateway = createGatewayRuntime({
  supergraph: benchSupergraph(),
  logging: false,
  landingPage: false,
  graphiql: false,
  plugins: () => [useJIT(), signing] as any,
  inboundInflightRequestDeduplication: process.env.HIVE_INBOUND_DEDUPE === 'on',
});
http.createServer(gateway).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
// A clean exit on SIGTERM, so `--cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
