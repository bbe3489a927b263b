import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { freePort, runId, TEST_JWT_SECRET, TEST_SIGNING_SECRET, testNamespace } from '@cinema/testing';
import type { BrokerAccess } from '../../scripts/lib/broker-users';
import { startStack, type StackOptions } from '../../scripts/lib/stack';

/** This run's broker users (jest's global setup made them): each service of a test stack logs in as its own. */
export const testBrokerAccess = (): BrokerAccess => JSON.parse(process.env.TEST_BROKER_ACCESS!) as BrokerAccess;

/**
 * The whole stack as real processes for one test file: free ports, databases and a broker
 * namespace of its own (so it never meets `npm start` or another test file), and a client on the
 * same MongoDB for assertions. `stop` also drops the databases.
 */
export async function startTestStack(name: string, extra: Pick<StackOptions, 'env' | 'serviceEnv' | 'compiled' | 'output' | 'gatewayWorkers'> = {}) {
  const run = randomBytes(3).toString('hex');
  const databases = { users: `e2e_${runId()}_users_${run}`, movies: `e2e_${runId()}_movies_${run}`, catalog: `e2e_${runId()}_catalog_${run}` };
  const namespace = testNamespace(name);
  const [gateway, users, movies, catalog] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const stack = await startStack({
    mongoUrl: process.env.MONGO_URL!,
    broker: testBrokerAccess(),
    ports: { gateway, users, movies, catalog },
    databases,
    env: {
      LOG_LEVEL: 'warn',
      AMQP_NAMESPACE: namespace,
      GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      // Tests send bursts from one address; the rate limit has its own test.
      RATE_LIMIT: '0',
      ...extra.env,
    },
    serviceEnv: extra.serviceEnv,
    compiled: extra.compiled,
    output: extra.output,
    gatewayWorkers: extra.gatewayWorkers,
  });
  const mongo = await new MongoClient(process.env.MONGO_URL!).connect();
  return {
    ...stack,
    databases,
    namespace,
    mongo,
    async stop() {
      await stack.stop();
      await Promise.all(Object.values(databases).map((d) => mongo.db(d).dropDatabase().catch(() => undefined)));
      await mongo.close();
    },
  };
}
export type TestStack = Awaited<ReturnType<typeof startTestStack>>;
