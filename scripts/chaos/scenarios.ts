import { deadLetterQueue } from '@cinema/events';
import { qualify } from '@cinema/messaging';
import { publishPoison, queueDepth, rabbitmqctl } from './broker';
import { instanceKill } from './instance-kill';
import { frozenUnderReads } from './frozen-subgraph';
import { every, sleep, type Scenario } from './scenario';

export const SCENARIOS: Scenario[] = [
  {
    name: 'broker killed and restarted mid-stream', local: false, quick: false,
    async inject(_s, ms) {
      await sleep(ms / 4);
      rabbitmqctl('stop_app');
      await sleep(ms / 2);
      rabbitmqctl('start_app');
      return {};
    },
  },
  {
    name: 'connections closed every few seconds', local: false, quick: true,
    async inject(_s, ms) {
      await every(ms, 3_000, () => void rabbitmqctl('close_all_connections', 'chaos: connections closed'));
      return {};
    },
  },
  {
    name: 'broker down, producer killed before it is back', local: false, quick: false,
    async inject(s, ms) {
      rabbitmqctl('stop_app');
      await sleep(ms / 2);
      // users holds events in its outbox that no broker confirmed: it dies with them unpublished
      // (every instance of it: the service is down when the broker comes back).
      for (const i of s.instancesOf('users')) await s.kill(i);
      rabbitmqctl('start_app');
      await Promise.all(s.instancesOf('users').map((i) => s.restart(i)));
      await sleep(ms / 2);
      return {};
    },
  },
  {
    name: 'publishers blocked by a memory alarm', local: false, quick: false,
    async inject(_s, ms) {
      rabbitmqctl('set_vm_memory_high_watermark', '0.000001');
      try {
        await sleep(ms);
      } finally {
        rabbitmqctl('set_vm_memory_high_watermark', '0.4');
      }
      return { note: 'watermark restored to 0.4' };
    },
  },
  {
    name: 'consumer killed between its write and its ack', local: true, quick: true,
    async inject(s, ms) {
      // Under load, a SIGKILL lands mid-delivery: written, not acked; the broker redelivers (to
      // the other instance, when there are two: each is killed in turn while the other consumes).
      let round = 0;
      await every(ms, 2_500, async () => {
        const instances = s.instancesOf('movies');
        const victim = instances[round++ % instances.length]!;
        await s.kill(victim);
        await s.restart(victim);
      });
      return {};
    },
  },
  {
    name: 'saga steps killed mid-way (users, catalog)', local: true, quick: true,
    async inject(s, ms) {
      // The booking saga's two consumers, SIGKILLed under load: a debit written and not acked, a
      // booking closed and its seats not yet released, a hold without its booking. users (every
      // instance: the service is away) stays down past the deadline (4 s in the chaos stack), so
      // bookings made meanwhile expire and their debits, late, are refunded; catalog's instances are
      // killed in turn (with two, the other takes over the redeliveries and the expiry sweep).
      // Redeliveries and the sweeper must finish every step once.
      let round = 0;
      await every(ms, 2_500, async () => {
        for (const i of s.instancesOf('users')) await s.kill(i);
        await sleep(5_000);
        await Promise.all(s.instancesOf('users').map((i) => s.restart(i)));
        const catalog = s.instancesOf('catalog');
        const victim = catalog[round++ % catalog.length]!;
        await s.kill(victim);
        await s.restart(victim);
      });
      return {};
    },
  },
  {
    name: 'consumer frozen past the heartbeat', local: true, quick: false,
    async inject(s, ms) {
      // One instance (movies' first): the broker requeues what it held, the other consumes it.
      s.processes.get('movies')!.kill('SIGSTOP');
      await sleep(Math.max(ms, 16_000));
      s.processes.get('movies')!.kill('SIGCONT');
      return {};
    },
  },
  frozenUnderReads,
  {
    name: "a consumer's MongoDB stopped for a while", local: true, quick: true,
    async inject(s, ms) {
      s.proxies.moviesMongo.reset();
      await sleep(ms);
      s.proxies.moviesMongo.pass();
      return {};
    },
  },
  {
    name: 'RabbitMQ, MongoDB and a subgraph blackholed', local: true, quick: true,
    async inject(s, ms) {
      for (const p of [s.proxies.rabbit.users, s.proxies.moviesMongo, s.proxies.subgraphs.users]) {
        p.blackhole();
        await sleep(ms / 3);
        p.pass();
      }
      return {};
    },
  },
  {
    name: 'poison messages injected', local: true, quick: true,
    async inject(s, ms) {
      const queue = qualify(deadLetterQueue('movies:user:replicate'), s.namespace);
      const before = await queueDepth(s.amqpUrl, queue);
      await publishPoison(s.amqpUrl, s.namespace, 25);
      await sleep(ms);
      return {
        check: async () => {
          const added = (await queueDepth(s.amqpUrl, queue)) - before;
          return added === 25 ? undefined : `expected 25 poison messages in ${queue}, found ${added}`;
        },
      };
    },
  },
  instanceKill,
  {
    name: 'soak: the faults above, mixed', local: false, quick: false,
    async inject(s, ms, load) {
      const mix = SCENARIOS.filter((x) => x.name !== 'soak: the faults above, mixed' && x.name !== 'consumer frozen past the heartbeat' && (x.instances ?? 1) <= s.instances);
      const end = Date.now() + ms;
      for (let i = 0; Date.now() < end; i++) {
        await mix[i % mix.length]!.inject(s, 4_000, load);
        await s.heal();
      }
      return {};
    },
  },
];
