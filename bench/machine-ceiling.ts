/**
 * What two cores give this machine on work shaped like a gateway worker's, with nothing else running:
 * parse and serialize a 112 KB answer (the deep query's is 87–136 KB), keeping the last few alive as
 * requests in flight do, so the garbage collector's copying and the memory traffic count too. The same
 * kernel runs for `seconds` alone on the gateway's core, then one copy on each core at once. Their ratio
 * is the most two workers could reach here before the load generator and the in-memory subgraphs take
 * their share of core 0: it tells a scaling figure missed for want of cores from one missed by the gateway.
 */
import { spawn } from 'node:child_process';
import type { BenchConfig } from './config';
import { median } from './gateway-only';

const KERNEL = `
const seconds = Number(process.argv[1]);
const answer = JSON.stringify({ data: { movies: Array.from({ length: 200 }, (_, i) => ({
  id: 'm' + i, title: 'Movie ' + i, year: 1990 + (i % 30),
  reviews: Array.from({ length: 4 }, (_, j) => ({ id: i + '-' + j, rating: j, body: 'A review of some length. '.repeat(2), author: { id: 'u' + j, fullName: 'User ' + j } })),
})) } });
const inFlight = [];
let done = 0;
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  const parsed = JSON.parse(answer);
  inFlight.push(parsed);
  if (inFlight.length > 16) inFlight.shift();
  JSON.stringify(parsed);
  done++;
}
process.stdout.write(String(done));
`;

function runKernel(cpu: string, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', cpu, process.execPath, '-e', KERNEL, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 && Number(out) > 0 ? resolve(Number(out)) : reject(new Error(`ceiling kernel on core ${cpu} exited ${code}: ${out}`))));
  });
}

/** Per round: the kernel's iterations on the gateway's core alone, on both cores at once, and their ratio. */
export async function machineCeiling(cfg: BenchConfig) {
  const alone: number[] = [];
  const both: number[] = [];
  for (let round = 1; round <= cfg.rounds; round++) {
    alone.push(await runKernel(cfg.gatewayCpus, cfg.seconds));
    const pair = await Promise.all([runKernel('0', cfg.seconds), runKernel('1', cfg.seconds)]);
    both.push(pair[0] + pair[1]);
    process.stderr.write(`  ceiling r${round}: alone ${alone.at(-1)}, both cores ${pair.join(' + ')}\n`);
  }
  const eachRound = both.map((b, i) => Math.round((b / alone[i]!) * 100) / 100);
  return { alone, both, eachRound, ratio: median(eachRound, 2) };
}
