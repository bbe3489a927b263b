/**
 * `p`, or a rejection after `ms` if it has not settled by then. The operation itself goes on: use it
 * only where giving up early is safe (a ping, a read), never to abandon a write still under way.
 */
export function bounded<T>(p: Promise<T>, ms: number, message = `no answer in ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
