import net from 'node:net';
import { randomInt } from 'node:crypto';

/**
 * Ports for child processes come from below the kernel's ephemeral range (32768–60999 on Linux).
 * A port the OS hands out for `listen(0)` and then takes back returns to that range, where any
 * outgoing connection or another `listen(0)` may take it before the child binds it: CI saw a
 * subgraph exit with EADDRINUSE that way. Below the range the kernel hands out nothing unasked, so
 * only our own processes compete there; each one draws from its own block (its jest worker's, or
 * one chosen by its pid), from a random start, and checks a port free before handing it out.
 */
const FIRST = 20_000;
const BLOCK = 1_000;
const JEST_BLOCKS = 6; // jest workers 1–6 own blocks 0–5; other processes share blocks 6–11
const OTHER_BLOCKS = 6;
// Services' own ports inside 20000–31999 (RabbitMQ's distribution, MongoDB's), even while they are down.
const RESERVED = new Set([25672, 27017, 27018, 27019, 28017]);

const worker = Number(process.env.JEST_WORKER_ID);
const block = Number.isInteger(worker) && worker >= 1 && worker <= JEST_BLOCKS ? worker - 1 : JEST_BLOCKS + (process.pid % OTHER_BLOCKS);
let next = randomInt(BLOCK);

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });

/** A loopback port nothing listens on, for a child process to bind (or for a test that needs a closed port). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < BLOCK; tries++) {
    const port = FIRST + block * BLOCK + (next++ % BLOCK);
    if (!RESERVED.has(port) && (await bindable(port))) return port;
  }
  throw new Error(`no free port in ${FIRST + block * BLOCK}–${FIRST + (block + 1) * BLOCK - 1}`);
}
