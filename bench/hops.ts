/**
 * Where an event's propagation time goes, hop by hop, from the bench's own timestamps and the
 * services' spans (span-sink.ts). Every hop is reported as p50/p99 over the propagation samples:
 *
 *   sent ─ mutation ─▶ write committed (relay starts publishing) ─ broker ─▶ consumer received
 *        ─ wait ─▶ projection write starts ─ apply ─▶ applied ─ poll ─▶ visible to the bench's reader
 *
 * `accepted` (the mutation's answer) runs in parallel with the publish, so the target's
 * "accepted → visible" is (committed → visible) minus (committed → accepted).
 */
import { pct, type Sample } from './events';
import type { SinkSpan } from './span-sink';

export const HOPS = {
  mutation: 'sent → write committed (gateway, users, insert)',
  answer: 'write committed → mutation answered (gateway)',
  confirm: 'write committed → broker confirmed the publish',
  broker: 'write committed → consumer received (broker routing, quorum write, delivery)',
  wait: 'consumer received → projection write started (validation, batching)',
  apply: 'projection write (FerretDB)',
  poll: 'applied → seen by the bench (one reader, every awaited id in one `_id: {$in}` read every 2 ms)',
  committedToVisible: 'write committed → visible',
  acceptedToVisible: 'accepted → visible (the target)',
} as const;

export type HopName = keyof typeof HOPS;

/** Waits (bounded) until the spans of every sample arrived (exported in batches), then measures. */
export async function hopBreakdown(samples: Sample[], spans: SinkSpan[], waitMs = 8_000) {
  const find = () => {
    const publish = new Map<string, SinkSpan>();
    const consume = new Map<string, SinkSpan>();
    const apply = new Map<string, SinkSpan>();
    for (const s of spans) {
      const c = s.attrs['cinema.correlation_id'] as string | undefined;
      if (s.name === 'event.publish' && c) publish.set(c, s);
      else if (s.name === 'event.consume' && c) consume.set(c, s);
      else if (s.name === 'projection.apply' && s.parentSpanId) apply.set(s.parentSpanId, s);
    }
    return samples.flatMap((x) => {
      const p = publish.get(x.requestId);
      const c = consume.get(x.requestId);
      const a = c && apply.get(c.spanId);
      return p && c && a ? [{ x, p, c, a }] : [];
    });
  };
  const until = Date.now() + waitMs;
  let found = find();
  while (found.length < samples.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    found = find();
  }
  const per: Record<HopName, number[]> = Object.fromEntries(Object.keys(HOPS).map((k) => [k, []])) as never;
  for (const { x, p, c, a } of found) {
    per.mutation.push(p.start - x.sent);
    per.answer.push(x.accepted - p.start);
    per.confirm.push(p.end - p.start);
    per.broker.push(c.start - p.start);
    per.wait.push(a.start - c.start);
    per.apply.push(a.end - a.start);
    per.poll.push(x.visible - a.end);
    per.committedToVisible.push(x.visible - p.start);
    per.acceptedToVisible.push(x.visible - x.accepted);
  }
  const hops = Object.fromEntries(
    (Object.keys(HOPS) as HopName[]).map((k) => [k, { p50: per[k].length ? pct(per[k], 50) : null, p99: per[k].length ? pct(per[k], 99) : null }]),
  ) as Record<HopName, { p50: number | null; p99: number | null }>;
  return { matched: found.length, of: samples.length, hops };
}
