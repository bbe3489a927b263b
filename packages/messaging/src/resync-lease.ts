import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { isDuplicateKeyError } from '@cinema/mongo';

/**
 * At most one resync per consumer queue at a time, across every instance of the owner: a lease
 * document per queue in the owner's own database, taken with one conditional upsert (atomic on
 * MongoDB: a second taker meets a duplicate key) and renewed while the resync runs. A holder that
 * dies leaves a lease that expires after TTL_MS. It also remembers when the last resync of the queue
 * that finished had started, so a request made before that is answered by it instead of sending
 * everything again.
 */
export interface LeaseDoc {
  _id: string;
  until: Date;
  holder: string;
  startedAt: Date;
  /** When the last resync that finished had started. */
  servedFrom?: Date;
}

const TTL_MS = 60_000;

export type Lease = { release(finished: boolean): Promise<void> };

export class ResyncLeases {
  private readonly holder = randomUUID();

  constructor(private readonly leases: Collection<LeaseDoc>) {}

  /** When the last resync of `queue` that finished had started, if one ever did. */
  async servedFrom(queue: string): Promise<Date | undefined> {
    return (await this.leases.findOne({ _id: queue }, { projection: { servedFrom: 1 } }))?.servedFrom;
  }

  /** The lease of `queue`, or undefined while another resync of it runs (here or elsewhere). */
  async acquire(queue: string, now = new Date()): Promise<Lease | undefined> {
    const held = { until: new Date(now.getTime() + TTL_MS), holder: this.holder, startedAt: now };
    try {
      await this.leases.updateOne({ _id: queue, until: { $lt: now } }, { $set: held }, { upsert: true });
    } catch (err) {
      if (isDuplicateKeyError(err)) return undefined;
      throw err;
    }
    const renew = setInterval(() => {
      const until = new Date(Date.now() + TTL_MS);
      void this.leases.updateOne({ _id: queue, holder: this.holder }, { $set: { until } }).catch(() => undefined);
    }, TTL_MS / 3);
    renew.unref();
    return {
      release: async (finished) => {
        clearInterval(renew);
        await this.leases.updateOne({ _id: queue, holder: this.holder }, { $set: { until: new Date(0), ...(finished ? { servedFrom: now } : {}) } });
      },
    };
  }
}
