import { isEventType, type EventType } from '@cinema/events';
import { Kind, parse, type ConstValueNode, type DocumentNode } from 'graphql';

/**
 * What feeds one Subscription field, as its owning subgraph declares it with @fromEvents (composed
 * into the supergraph): the gateway knows no field by name, only what the supergraph says.
 */
export interface LiveField {
  /** The Subscription field, e.g. reviewAdded. */
  field: string;
  /** Its one argument, compared with the value at `match`. */
  argument: string;
  events: EventType[];
  /** The Query field answering the payload, asked with `id:` the event's aggregateId. */
  entity: string;
  /** Where the compared value is: in the event's data, or in the entity as the graph answers it. */
  match: { from: 'data' | 'entity'; path: string[] };
}

const DIRECTIVE = 'fromEvents';

const text = (v: ConstValueNode | undefined) => (v?.kind === Kind.STRING ? v.value : undefined);

/** Every @fromEvents field of the supergraph; a declaration the gateway could not serve fails the start, naming it. */
export function readLiveFields(supergraph: string | DocumentNode): Map<string, LiveField> {
  const doc = typeof supergraph === 'string' ? parse(supergraph) : supergraph;
  const fields = new Map<string, LiveField>();
  for (const def of doc.definitions) {
    if ((def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) || def.name.value !== 'Subscription') continue;
    for (const f of def.fields ?? []) {
      const d = f.directives?.find((x) => x.name.value === DIRECTIVE);
      if (!d) continue;
      const where = `Subscription.${f.name.value} @${DIRECTIVE}`;
      const arg = (name: string) => d.arguments?.find((a) => a.name.value === name)?.value;
      const eventsArg = arg('events');
      const events = eventsArg?.kind === Kind.LIST ? eventsArg.values.map((v) => text(v)) : [];
      const unknown = events.filter((e) => !e || !isEventType(e));
      if (events.length === 0 || unknown.length > 0) throw new Error(`${where}: events must list known event types (unknown: ${unknown.join(', ') || 'none given'})`);
      const entity = text(arg('entity'));
      const match = /^(data|entity)\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/.exec(text(arg('match')) ?? '');
      if (!entity || !match) throw new Error(`${where}: needs entity (a Query field) and match (data.<path> or entity.<path>)`);
      if (f.arguments?.length !== 1) throw new Error(`${where}: the field must have exactly one argument (compared with match)`);
      fields.set(f.name.value, {
        field: f.name.value,
        argument: f.arguments[0]!.name.value,
        events: events as EventType[],
        entity,
        match: { from: match[1] as 'data' | 'entity', path: match[2]!.split('.') },
      });
    }
  }
  return fields;
}

/** The value at `path` in `value` as a string (ids compare as strings), or undefined. */
export function valueAt(value: unknown, path: readonly string[]): string | undefined {
  let v: unknown = value;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}
