import type { MutationLoad } from './load';
import type { ChaosStack } from './stack';

export interface Scenario {
  name: string;
  /** Faults only through this run's own proxies and processes: safe beside other users of the broker. */
  local: boolean;
  /** In the `--quick` subset. */
  quick: boolean;
  /** Instances per service it needs (default 1): it is skipped on a stack with fewer. */
  instances?: number;
  /**
   * Injects the fault while `load` runs, for about `ms`, and heals what it broke. With several
   * instances per service, a fault meant for "a consumer" hits one of them; one meant for the
   * service (its database, its links, the service frozen) hits them all.
   */
  inject(stack: ChaosStack, ms: number, load: MutationLoad): Promise<{ note?: string; check?: () => Promise<string | undefined> }>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Repeats `act` every `everyMs` for `ms`. */
export async function every(ms: number, everyMs: number, act: () => Promise<void> | void) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await act();
    await sleep(Math.min(everyMs, Math.max(0, end - Date.now())));
  }
}
