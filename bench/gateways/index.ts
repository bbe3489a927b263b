/**
 * The gateways compared, each a process started the same way: one worker, the same core, the same
 * subgraph URLs and signing secret. `ours` is the product's own entry point (gateway/src/index.ts).
 */
import { GATEWAY_NODE_OPTIONS } from '../../gateway/src/heap';

export interface GatewayVariant {
  name: string;
  label: string;
  entry: string;
  env?: NodeJS.ProcessEnv;
}

export const GATEWAYS: GatewayVariant[] = [
  // Started as the product starts it: with the gateway's heap limit (gateway/src/heap.ts).
  { name: 'ours', label: 'this gateway', entry: 'gateway/src/index.ts', env: { LOG_LEVEL: 'warn', RATE_LIMIT: '0', NODE_OPTIONS: GATEWAY_NODE_OPTIONS } },
  { name: 'stock', label: 'stock @apollo/gateway', entry: 'bench/gateways/stock.ts' },
  { name: 'hive', label: 'Hive Gateway (JIT)', entry: 'bench/gateways/hive.ts' },
  // As Hive's makers configure it for their benchmark: JIT and inbound in-flight deduplication.
  { name: 'hive-makers', label: 'Hive Gateway as its makers run it (JIT + inbound dedupe)', entry: 'bench/gateways/hive.ts', env: { HIVE_INBOUND_DEDUPE: 'on' } },
];
