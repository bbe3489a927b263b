import { spawnSync } from 'node:child_process';
import { CONSUMERS, deadLetterQueue } from '@cinema/events';
import { buildTopology, OWNER_EXCHANGES, qualify } from '@cinema/messaging';

// `npm run topology`: this project's exchanges, queues (ready / unacked / consumers / dead letters)
// and bindings, as `rabbitmqctl list_exchanges/list_queues/list_bindings` show them in the article,
// limited to this project. Reads rabbitmqctl locally, or the management API at
// RABBITMQ_MANAGEMENT_URL (with docker compose: http://cinema-operator:<password>@127.0.0.1:15672,
// the operator's user, tagged `monitoring`: it reads everything and changes nothing).
const ns = process.env.AMQP_NAMESPACE;
const q = (name: string) => qualify(name, ns);

/** The names every service declares, derived from the same topology builder the services use. */
function expected() {
  const configs = [
    ...OWNER_EXCHANGES.map((owns) => buildTopology({ url: 'amqp://x', owns })),
    ...Object.keys(CONSUMERS).map((c) => buildTopology({ url: 'amqp://x', consumes: [c as keyof typeof CONSUMERS] })),
  ].map((c) => c.vhosts!['/']!);
  return {
    exchanges: new Set(configs.flatMap((v) => Object.keys(v.exchanges ?? {})).map(q)),
    queues: new Set(configs.flatMap((v) => Object.keys(v.queues ?? {})).map(q)),
  };
}

type Row = Record<string, string>;
function rabbitmqctl(what: string, columns: string[]): Row[] {
  const r = spawnSync('rabbitmqctl', ['-q', '--no-table-headers', what, ...columns], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr || r.error?.message || `rabbitmqctl ${what} failed`);
  return r.stdout.trim().split('\n').filter(Boolean).map((line) => Object.fromEntries(line.split('\t').map((v, i) => [columns[i]!, v])));
}
async function management(path: string): Promise<any[]> {
  const base = new URL(process.env.RABBITMQ_MANAGEMENT_URL!);
  const auth = Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64');
  const res = await fetch(new URL(`/api/${path}`, base.origin), { headers: { authorization: `Basic ${auth}` } });
  if (!res.ok) throw new Error(`management API ${path}: HTTP ${res.status}`);
  return (await res.json()) as any[];
}

async function read() {
  if (process.env.RABBITMQ_MANAGEMENT_URL) {
    const [ex, qs, bs] = await Promise.all([management('exchanges/%2F'), management('queues/%2F'), management('bindings/%2F')]);
    return {
      exchanges: ex.map((e) => ({ name: e.name, type: e.type, durable: String(e.durable), ae: e.arguments?.['alternate-exchange'] ?? '' })),
      queues: qs.map((x) => ({ name: x.name, type: x.type, ready: String(x.messages_ready ?? 0), unacked: String(x.messages_unacknowledged ?? 0), consumers: String(x.consumers ?? 0) })),
      bindings: bs.map((b) => ({ source: b.source, destination: b.destination, key: b.routing_key })),
    };
  }
  return {
    exchanges: rabbitmqctl('list_exchanges', ['name', 'type', 'durable', 'arguments']).map((e) => ({ name: e.name!, type: e.type!, durable: e.durable!, ae: /"alternate-exchange","([^"]+)"/.exec(e.arguments ?? '')?.[1] ?? '' })),
    queues: rabbitmqctl('list_queues', ['name', 'type', 'messages_ready', 'messages_unacknowledged', 'consumers']).map((x) => ({ name: x.name!, type: x.type!, ready: x.messages_ready!, unacked: x.messages_unacknowledged!, consumers: x.consumers! })),
    bindings: rabbitmqctl('list_bindings', ['source_name', 'destination_name', 'routing_key']).map((b) => ({ source: b.source_name!, destination: b.destination_name!, key: b.routing_key! })),
  };
}

function table(title: string, rows: Row[], columns: string[]) {
  console.log(`\n${title}`);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: Row) => columns.map((c, i) => (r[c] ?? '').padEnd(widths[i]!)).join('  ');
  console.log(line(Object.fromEntries(columns.map((c) => [c, c]))));
  rows.forEach((r) => console.log(line(r)));
}

async function main() {
  const want = expected();
  const live = await read();
  const exchanges = [...want.exchanges].sort().map((name) => live.exchanges.find((e) => e.name === name) ?? { name, type: '(not declared yet)' });
  const queues = [...want.queues].sort().map((name) => {
    const x = live.queues.find((r) => r.name === name);
    const dlq = live.queues.find((r) => r.name === q(deadLetterQueue(name.slice(ns ? ns.length + 1 : 0))));
    return x ? { ...x, 'dead-lettered': name.endsWith(':dlq') || !dlq ? '' : dlq.ready } : { name, type: '(not declared yet)' };
  });
  const bindings = live.bindings
    .filter((b) => want.exchanges.has(b.source) && b.source !== '')
    .map((b) => ({ ...b, key: b.key || '(any)' }))
    .sort((a, b) => `${a.source}${a.key}`.localeCompare(`${b.source}${b.key}`));
  table('Exchanges', exchanges as Row[], ['name', 'type', 'durable', 'ae']);
  table('Queues', queues as Row[], ['name', 'type', 'ready', 'unacked', 'consumers', 'dead-lettered']);
  table('Bindings', bindings, ['source', 'key', 'destination']);
  console.log('\nae = alternate exchange (keeps events no queue is bound for); dead-lettered = messages in the queue\'s :dlq');
}

main().catch((err) => {
  console.error(`cannot read the broker: ${err instanceof Error ? err.message : err}\n` +
    'Run it where rabbitmqctl works, or set RABBITMQ_MANAGEMENT_URL=http://user:pass@host:15672');
  process.exit(1);
});
