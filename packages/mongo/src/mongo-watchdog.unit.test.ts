import pino from 'pino';
import { watchMongoClient, type MongoWatchdogOptions } from './mongo-watchdog';

// The decision rule alone, with a client that fails every ping and a database a new client reaches.
const run = async (tuning: Partial<MongoWatchdogOptions>, forMs: number) => {
  let reconnects = 0;
  const watchdog = watchMongoClient({
    logger: pino({ level: 'silent' }),
    intervalMs: 20,
    timeoutMs: 50,
    stuckAfterMs: 5_000,
    unselectableAfterMs: 150,
    ping: () => Promise.reject(new Error('server selection timed out')),
    probe: () => Promise.resolve(),
    reconnect: async () => void reconnects++,
    ...tuning,
  });
  await new Promise((r) => setTimeout(r, forMs));
  watchdog.stop();
  return reconnects;
};

it('reconnects soon when the driver has held its server as Unknown while a new client gets answers', async () => {
  expect(await run({ unknownSince: () => Date.now() - 1_000 }, 400)).toBeGreaterThanOrEqual(1);
});

it('waits the full stuck window when the server is not Unknown (pings may only be slow)', async () => {
  expect(await run({ unknownSince: () => undefined }, 400)).toBe(0);
});

it('waits when the server only just became Unknown (the driver may still recover by itself)', async () => {
  const since = Date.now();
  expect(await run({ unknownSince: () => since, unselectableAfterMs: 2_000 }, 400)).toBe(0);
});

it('never reconnects while operations still finish, or while a new client cannot reach the database either', async () => {
  expect(await run({ unknownSince: () => Date.now() - 1_000, lastProgress: () => Date.now() }, 400)).toBe(0);
  expect(await run({ unknownSince: () => Date.now() - 1_000, probe: () => Promise.reject(new Error('down')) }, 400)).toBe(0);
});
