import type express from 'express';

/** One named readiness condition, e.g. `mongo` or `rabbitmq`; throwing counts as down. */
export type ReadinessCheck = () => Promise<boolean> | boolean;
export type CheckState = 'ok' | 'down' | 'timeout';

/** Fixed checks, or a function for checks known only later. */
export type ReadinessChecks = Record<string, ReadinessCheck> | (() => Record<string, ReadinessCheck>);

/**
 * What the readiness body reports beside the checks without deciding readiness (the gateway's
 * subgraphs: a sick one costs its own fields, not the gateway's service). Must answer within 1 s.
 */
export type ReadinessReport = () => Promise<Record<string, unknown>>;

export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckState>;
}

/**
 * Runs every check at once, each bounded by `timeoutMs`: a dependency that hangs (the MongoDB
 * driver waits up to its server-selection timeout) must make the probe say "down", not time out.
 */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = 1_000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckState]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckState>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const run = Promise.resolve()
        .then(check)
        .then((ok): CheckState => (ok ? 'ok' : 'down'), (): CheckState => 'down');
      const state = await Promise.race([run, timeout]);
      clearTimeout(timer);
      return [name, state];
    }),
  );
  const result = Object.fromEntries(entries);
  return { ok: entries.every(([, s]) => s === 'ok'), checks: result };
}

/**
 * Reports dependencies that a service can serve without (a subgraph's RabbitMQ: its mutations
 * still succeed and their events wait in the outbox), under `dependencies` in the readiness body:
 * an outage of one of them must not take the service out of its load balancer.
 */
export function reportDependencies(dependencies: Record<string, ReadinessCheck>): ReadinessReport {
  return async () => ({ dependencies: (await checkReadiness(dependencies)).checks });
}

/**
 * GET /health/live: the process answers (restart it if not). GET /health/ready and /health: every
 * check passes (send it traffic), 503 otherwise, naming each check's state, then what `report`
 * adds: `{ "status": "unavailable", "checks": { "mongo": "ok", "rabbitmq": "down" } }`.
 */
export function healthRoutes(app: express.Express, checks: ReadinessChecks, report?: ReadinessReport): void {
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const ready: express.RequestHandler = async (_req, res) => {
    const [{ ok, checks: states }, extra] = await Promise.all([
      checkReadiness(typeof checks === 'function' ? checks() : checks),
      report?.().catch(() => ({})),
    ]);
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({ status: ok ? 'ok' : 'unavailable', checks: states, ...extra });
  };
  app.get('/health', ready);
  app.get('/health/ready', ready);
}
