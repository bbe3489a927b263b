import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The committed supergraph with each subgraph's routing URL replaced by SUBGRAPH_URL_<NAME>, so
 * gateways that take no override (stock Apollo, Hive) route to the bench's subgraphs.
 */
export function benchSupergraph(env = process.env): string {
  const sdl = readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
  return sdl.replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (all, name: string) => {
    const url = env[`SUBGRAPH_URL_${name.toUpperCase()}`];
    return url ? `@join__graph(name: "${name}", url: "${url}")` : all;
  });
}

/** The subgraph a URL routes to in the bench's supergraph (what the signature names), by SUBGRAPH_URL_<NAME>. */
export function subgraphNameOf(url: string, env = process.env): string {
  const found = Object.entries(env).find(([k, v]) => k.startsWith('SUBGRAPH_URL_') && v === url);
  if (!found) throw new Error(`no SUBGRAPH_URL_<NAME> is ${url}`);
  return found[0].slice('SUBGRAPH_URL_'.length).toLowerCase();
}
