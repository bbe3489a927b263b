/**
 * The scheduling both write batchers use (projection.ts, relay.ts): a batch is dispatched when the
 * one before it settled, so while the database is busy the next batch fills up instead of queueing
 * one statement per item; but not later than `boundMs` after, so one operation that never settles
 * (a connection the client never saw closed waits for the 60 s socket timeout) holds its own batch
 * only, never every batch after it.
 */
export function batchAfter(
  boundMs: number,
  /**
   * Then waits `ms` more for the batch to fill, unless `enough()` says it holds enough already: for
   * writes nobody waits on (the relay's removals), fewer and larger batches are worth the delay.
   */
  linger?: { ms: number; enough: () => boolean },
): { schedule: (dispatch: () => void) => void; track: <T>(batch: Promise<T>) => Promise<T> } {
  let previous: Promise<unknown> = Promise.resolve();
  const lingered = (dispatch: () => void) => (linger && !linger.enough() ? void setTimeout(dispatch, linger.ms) : setImmediate(dispatch));
  return {
    schedule: (dispatch) => void settledOrAfter(previous, boundMs).then(() => lingered(dispatch)),
    track: (batch) => ((previous = batch.catch(() => undefined)), batch),
  };
}

function settledOrAfter(previous: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void previous.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
