/**
 * "Every optimisation off": @apollo/gateway and @apollo/server exactly as their docs set them up
 * (startStandaloneServer, the data source's default fetcher). The only addition is the request
 * signature, without which our subgraphs answer nothing; the security links are relaxed the same
 * way our gateway does it, because @apollo/gateway refuses them otherwise.
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { signRequest, SIGNATURE_HEADER } from '@cinema/serving';
import { acceptSecurityFeatures } from '../../gateway/src/auth/supergraph-security';
import { benchSupergraph } from './supergraph';

const secret = process.env.GATEWAY_SIGNING_SECRET!;

class Signed extends RemoteGraphQLDataSource {
  constructor(name: string, url: string) {
    super({ url });
    const stockFetcher = this.fetcher;
    this.fetcher = ((u: string, init: { body: string; headers: Record<string, string> }) =>
      stockFetcher(u, { ...init, headers: { ...init.headers, [SIGNATURE_HEADER]: signRequest(secret, name, init.body) } } as any)) as any;
  }
}

async function main() {
  const gateway = new ApolloGateway({ supergraphSdl: acceptSecurityFeatures(benchSupergraph()).sdl, buildService: ({ name, url }) => new Signed(name, url!) });
  const server = new ApolloServer({ gateway });
  await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
  console.log('ready');
}
void main();
