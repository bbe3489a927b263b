import { readFileSync } from 'node:fs';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { CONSUMERS, EVENTS, deadLetterExchange, deadLetterQueue, resyncExchange, resyncQueue, retryExchange, type EventType } from '@cinema/events';
import { renderCatalog, toYaml } from './catalog';
import { buildAsyncApi } from './document';
import { jsonSchemaOf } from './json-schema';

// The parser (with its Spectral rules) takes seconds to load and run on a busy machine.
jest.setTimeout(120_000);

const parser = new Parser();
/** Errors and warnings only; the parser also hints that AsyncAPI 3.1 exists, which is no fault. */
const faults = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('/')}: ${d.message}`);

let parsed: AsyncAPIDocumentInterface;
beforeAll(async () => {
  const { document, diagnostics } = await parser.parse(readFileSync(renderCatalog()[0]!.path, 'utf8'));
  expect(faults(diagnostics)).toEqual([]);
  parsed = document!;
});

describe('event catalog (docs/asyncapi.yaml, docs/events.md)', () => {
  it('is what `npm run asyncapi` generates from packages/events now', () => {
    for (const { path, content } of renderCatalog()) {
      expect({ path, upToDate: readFileSync(path, 'utf8') === content }).toEqual({ path, upToDate: true });
    }
  });

  it('is a valid AsyncAPI 3.0 document, and the parser does reject a broken one', async () => {
    expect(parsed.version()).toBe('3.0.0');
    const broken = buildAsyncApi();
    // An operation sending a message its channel does not carry.
    (broken.operations['users.publish.user.created'] as { messages: unknown[] }).messages.push({ $ref: '#/channels/users.user.created/messages/movie.created.v1' });
    const { diagnostics } = await parser.parse(toYaml(broken));
    expect(faults(diagnostics).join('\n')).toMatch(/operations\/users\.publish\.user\.created\/messages/);
  });

  it('has each owner send each event on its exchange, routing key = type, payload = the zod schema', () => {
    const doc = buildAsyncApi();
    for (const type of Object.keys(EVENTS) as EventType[]) {
      const def = EVENTS[type];
      const op = parsed.operations().get(`${def.exchange}.publish.${type}`)!;
      expect(op.isSend()).toBe(true);
      const channel = op.channels().all()[0]!;
      expect(channel.address()).toBe(type);
      expect(channel.bindings().get('amqp')!.value()).toMatchObject({ is: 'routingKey', exchange: { name: def.exchange, type: 'topic', durable: true } });
      expect(op.messages().all().map((m) => m.name())).toEqual([type]);
      expect(doc.components.schemas[`${type}.v${def.schemaVersion}`]).toEqual(jsonSchemaOf(def.data));
    }
  });

  it('has each consumer receive on its quorum queue, dead-lettered to its DLQ, and each owner serve resyncs', () => {
    for (const [queue, c] of Object.entries(CONSUMERS)) {
      const op = parsed.operations().get(`${c.consumer}.consume.${queue.replaceAll(':', '.')}`)!;
      expect(op.isReceive()).toBe(true);
      expect(op.messages().all().map((m) => m.name()).sort()).toEqual([...c.handles].sort());
      const amqp = op.channels().all()[0]!.bindings().get('amqp')!.value();
      expect(amqp).toMatchObject({
        is: 'queue',
        queue: { name: queue, durable: true },
        'x-arguments': { 'x-queue-type': 'quorum', 'x-dead-letter-exchange': deadLetterExchange(queue) },
        // Its owner's events, the owner's resync answers for it alone, and its own retries.
        'x-bound-to': [
          { exchange: c.exchange, bindingKeys: [...c.bindingKeys] },
          ...(c.replicates ? [{ exchange: resyncExchange(c.owner), bindingKeys: [queue] }] : []),
          { exchange: retryExchange(queue) },
        ],
      });
      const dlq = parsed.channels().all().find((ch) => ch.address() === deadLetterQueue(queue))!;
      expect(dlq.bindings().get('amqp')!.value()).toMatchObject({ 'x-bound-to': [{ exchange: deadLetterExchange(queue) }] });
      const serve = parsed.operations().get(`${c.owner}.serve-resync`)!;
      expect(serve.channels().all()[0]!.address()).toBe(resyncQueue(c.owner));
      expect(serve.reply()?.channel()?.messages().all().map((m) => m.name())).toEqual(['resync.progress']);
    }
  });

  it('renders a table per exchange naming who consumes each event', () => {
    const md = renderCatalog()[1]!.content;
    expect(md).toContain('## Exchange `users`');
    expect(md).toMatch(/\| `user\.profile\.updated` \| 2 \| .* \| `movies:user:replicate` \(movies\)/);
    expect(md).toMatch(/\| `review\.created` \| 1 \| .* \| `gateway:response-cache:\{instance\}` \(gateway\), `gateway:subscriptions:\{instance\}` \(gateway\) \|/);
    // The subscription queue reads only what a Subscription field's @fromEvents declares.
    expect(md).toMatch(/\| `user\.created` \| 2 \| .* \| `movies:user:replicate` \(movies\), `gateway:response-cache:\{instance\}` \(gateway\) \|/);
  });
});
