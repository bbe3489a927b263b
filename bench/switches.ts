/**
 * `npm run bench -- --only=switches`: the product's on/off switches, measured in rounds on the deep
 * query, gateway alone. The toggles part (optimisations.ts) measures each "off" once, minutes away
 * from "all on"; on a shared machine that drift can be as large as a switch's gain. Here every
 * variant runs in every round, back to back (benchGateways: started together, order turning), and
 * "all on" runs twice per round: the two copies' ratio is the noise floor a gain must clear.
 */
import type { BenchConfig } from './config';
import { benchGateways, median, type Row, type Target } from './gateway-only';
import { GATEWAYS, type GatewayVariant } from './gateways';
import { perCpuSecond } from './load';

/** The switches whose keep-or-remove this decides, each alone off (names are the environment's). */
export const SWITCHES: Record<string, NodeJS.ProcessEnv> = {
  'GATEWAY_COMPILED_SHAPING=off': { GATEWAY_COMPILED_SHAPING: 'off' },
  'GATEWAY_JSON_PIECES=off': { GATEWAY_JSON_PIECES: 'off' },
  'DEDUPE_REPRESENTATIONS=off': { DEDUPE_REPRESENTATIONS: 'off' },
  'DEDUPE_INFLIGHT=off': { DEDUPE_INFLIGHT: 'off' },
};

const ours = GATEWAYS[0]!;
const variant = (name: string, off: NodeJS.ProcessEnv = {}): GatewayVariant => ({ name, label: name, entry: ours.entry, env: { ...ours.env, ...off } });

/**
 * One line per variant: req/s per round and its ratio to "all on" round by round; and the same for
 * requests per CPU-second of the gateway's process (req/s ÷ its CPU share). The gateway is CPU-bound:
 * when other work on the machine takes part of its core, req/s falls with it, but the CPU spent per
 * request much less so, which makes that ratio the steadier one on a shared machine.
 */
function summary(rows: Row[]) {
  const perCpu = (r: Row) => r.rounds!.map((rps, i) => perCpuSecond(rps, r.cpuRounds![i]!));
  const ratio = (a: number[], b: number[]) => a.map((x, i) => Math.round((x / b[i]!) * 100) / 100);
  const on = rows.find((r) => r.gateway === 'all on')!;
  return rows.map((r) => {
    const rps = ratio(on.rounds!, r.rounds!), cpu = ratio(perCpu(on), perCpu(r));
    return { variant: r.gateway, rps: r.rounds!, cpuPct: r.cpuRounds!, p99: r.p99, reqPerCpuSecond: perCpu(r), onOverThis: rps, onOverThisPerCpu: cpu, medianRatio: median(rps, 2), medianRatioPerCpu: median(cpu, 2) };
  });
}

export async function switches(cfg: BenchConfig, t: Target, extra: Record<string, NodeJS.ProcessEnv> = {}) {
  const variants = [
    variant('all on'),
    ...Object.entries({ ...SWITCHES, ...extra }).map(([name, off]) => variant(name, off)),
    variant('all on, again'),
  ];
  const rows = await benchGateways(cfg, 'switches', t, variants, cfg.connections, ['deep']);
  const lines = summary(rows);
  for (const l of lines) {
    process.stderr.write(`  ${l.variant.padEnd(42)} req/s ${l.rps.join(' / ').padEnd(16)} all-on/this ${l.onOverThis.join(' / ')} (median ${l.medianRatio});`);
    process.stderr.write(` per CPU-second ${l.reqPerCpuSecond.join(' / ')}, all-on/this ${l.onOverThisPerCpu.join(' / ')} (median ${l.medianRatioPerCpu})\n`);
  }
  return { rows, summary: lines };
}
