/**
 * The seed's GraphQL client for the gateway: a bearer token, the gateway's own back-pressure
 * honoured (429 from the per-client rate limit and 503 from admission control are answered before
 * anything runs, so the same request is sent again after Retry-After), and errors that say what to
 * do: no gateway there, a token it refuses, an operation it rejects.
 */
export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string };
}
export interface Answer<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

export class SeedError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class GatewayClient {
  /** Requests sent, and how long they waited for the gateway's rate limit or admission control. */
  readonly stats = { requests: 0, throttled: 0, throttledMs: 0 };

  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** GET /health/ready: a clear error when nothing answers there, or when the stack is not ready. */
  static async ready(url: string): Promise<void> {
    const health = new URL('/health/ready', url);
    let res: Response;
    try {
      res = await fetch(health, { signal: AbortSignal.timeout(5_000) });
    } catch (err) {
      throw new SeedError(`no gateway answers at ${health.origin} (${describe(err)}): start the stack with \`npm start\`, or pass --gateway <url>`);
    }
    if (!res.ok) throw new SeedError(`the gateway at ${health.origin} is not ready (${res.status}): ${await res.text()}`);
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
    const body = JSON.stringify({ query, variables });
    for (let waited = 0; ; waited++) {
      this.stats.requests++;
      let res: Response;
      try {
        res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
          body,
          signal: AbortSignal.timeout(60_000),
        });
      } catch (err) {
        throw new SeedError(`the gateway at ${this.url} stopped answering (${describe(err)})`);
      }
      if ((res.status === 429 || res.status === 503) && waited < 30) {
        const ms = Math.min(60, Number(res.headers.get('retry-after')) || 1) * 1000;
        this.stats.throttled++;
        this.stats.throttledMs += ms;
        await res.body?.cancel();
        await sleep(ms);
        continue;
      }
      const answer = (await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status} without a GraphQL body` }] }))) as Answer<T>;
      if (res.status === 401) {
        throw new SeedError(
          `the gateway refused the token (${answer.errors?.[0]?.message}): is it signed with the gateway's key? \`npm start\` keeps it in .data/dev-secrets.json; for another stack set JWT_SECRET, or pass --token`,
        );
      }
      // A refused document (limits, validation) has no data at all: nothing ran.
      if (answer.data === undefined) throw new SeedError(`the gateway refused an operation: ${answer.errors?.map((e) => e.message).join('; ')}`);
      return answer;
    }
  }
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; after a failure, starts no more. */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      await fn(items[next++]!).catch((err: unknown) => {
        failed = true;
        throw err;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
