import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { parse, type GraphQLSchema } from 'graphql';
import YAML from 'yaml';

export const SCHEMA_DIR = resolve(__dirname, '..', '..', 'schema');
export const SUPERGRAPH_CONFIG = join(SCHEMA_DIR, 'supergraph.yaml');
export const SUPERGRAPH_PATH = join(SCHEMA_DIR, 'supergraph.graphql');

interface SupergraphConfig {
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

/** Composes the subgraph SDLs named in the config; throws with every composition error. */
export function composeSupergraph(configPath = SUPERGRAPH_CONFIG): string {
  const config = YAML.parse(readFileSync(configPath, 'utf8')) as SupergraphConfig;
  const services = Object.entries(config.subgraphs).map(([name, s]) => ({
    name,
    url: s.routing_url,
    typeDefs: parse(readFileSync(resolve(dirname(configPath), s.schema.file), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) {
    const list = result.errors.map((e) => `  - ${e.message}`).join('\n');
    throw new Error(`supergraph composition failed with ${result.errors.length} error(s):\n${list}`);
  }
  return result.supergraphSdl + '\n';
}

/**
 * The schema clients see: the supergraph without federation's join/link machinery. Feature support
 * is the gateway's business (it enforces the SECURITY features itself): here only the shape counts.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}
