import { must, testNamespace } from '@cinema/testing';
import { describeResult, runScenario } from '../scripts/chaos/run';
import { SCENARIOS } from '../scripts/chaos/scenarios';
import { seedSaga, type SagaSeed } from '../scripts/chaos/saga-seed';
import { startChaosStack, type ChaosStack } from '../scripts/chaos/stack';
import { testBrokerAccess } from './support/test-stack';

jest.setTimeout(180_000);

/**
 * The fast chaos scenarios, inside `npm test`: only faults through this run's own proxies and
 * processes (a SIGKILLed consumer, the saga's steps killed, its MongoDB cut, partitions, poison, a
 * frozen subgraph, one instance of each service killed), never the shared broker. Two instances of every service (two
 * processes per subgraph competing for the same queues and sweeping the same outboxes, two gateway
 * workers), under a steady mutation load of 20/s asked (half chaos's default: FerretDB is shared
 * with the other test files meanwhile); each must end with nothing lost, duplicated or unexpected.
 */
const INSTANCES = 2;
let stack: ChaosStack;
let cinemaId: string;
let saga: SagaSeed;
beforeAll(async () => {
  // This run's broker users, and a namespace of this run (their permissions cover no other).
  stack = await startChaosStack(process.env.MONGO_URL!, process.env.AMQP_URL!, { broker: testBrokerAccess(), namespace: testNamespace('chaos'), instances: INSTANCES });
  const { createCity } = await must(stack.gatewayUrl, 'mutation { createCity(input: { name: "Test City" }) { id } }');
  cinemaId = (await must(stack.gatewayUrl, 'mutation($c: ID!) { createCinema(input: { cityId: $c, name: "Test Cinema" }) { id } }', { c: createCity.id })).createCinema.id;
  saga = await seedSaga(stack.gatewayUrl, cinemaId);
});
afterAll(() => stack?.stop());

describe('faults under load lose nothing, apply nothing twice', () => {
  for (const scenario of SCENARIOS.filter((s) => s.local && s.quick && (s.instances ?? 1) <= INSTANCES)) {
    it(scenario.name, async () => {
      const result = await runScenario(stack, scenario, { faultMs: 4_000, ratePerSecond: 20, cinemaId, saga, convergeMs: 60_000 });
      expect({ line: describeResult(result), details: result.details }).toMatchObject({ details: [] });
      expect(result).toMatchObject({ lost: 0, duplicated: 0, unexpected: 0 });
      expect(result.convergedInMs).not.toBeNull();
      // The load really ran through the fault: writes were acknowledged and their events produced.
      expect(result.load.ok).toBeGreaterThan(20);
      expect(result.events).toBeGreaterThanOrEqual(result.load.ok);
      // And the booking saga ran through it too.
      expect(result.bookings).toBeGreaterThan(0);
    });
  }
});
