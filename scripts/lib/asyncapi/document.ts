import {
  EVENT_SUMMARIES,
  EVENTS,
  envelopeSchema,
  resyncProgressSchema,
  resyncRequestSchema,
  type EventType,
} from '@cinema/events';
import { version } from '../../../packages/events/package.json';
import { channels, messageKey, RESYNC_PROGRESS, RESYNC_REQUEST } from './channels';
import { jsonSchemaOf, ref, type JsonSchema } from './json-schema';
import { operations } from './operations';

/**
 * The AsyncAPI 3.0 document of the events, built from @cinema/events (the registry, consumer
 * queues, envelope and their zod schemas) and the topology the services declare. Every event is a
 * message `<type>.v<schemaVersion>`; its payload is the envelope with `data` narrowed to the event's
 * own schema, `components.schemas.<type>.v<schemaVersion>` (what the breaking-change check compares).
 */
export function buildAsyncApi() {
  const types = Object.keys(EVENTS) as EventType[];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Cinema graph events',
      version,
      description:
        "The domain events of the cinema graph's subgraphs on RabbitMQ: each owner publishes every change of its entities on its " +
        "topic exchange (routing key = event type), through an outbox, with publisher confirms; consumers keep read models " +
        'from them on durable quorum queues, each with a dead-letter queue.',
    },
    servers: {
      local: {
        host: '127.0.0.1:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description:
          'The broker of `npm start` (elsewhere AMQP_URL names it). With AMQP_NAMESPACE set, every exchange and queue name is prefixed `<namespace>:`.',
      },
    },
    defaultContentType: 'application/json',
    channels: channels(),
    operations: operations(),
    components: {
      messages: {
        ...Object.fromEntries(types.map((type) => [messageKey(type), eventMessage(type)])),
        [RESYNC_REQUEST]: { name: 'resync.request', title: 'Resync request', payload: ref(`#/components/schemas/${RESYNC_REQUEST}`) },
        [RESYNC_PROGRESS]: { name: 'resync.progress', title: 'Resync progress', payload: ref(`#/components/schemas/${RESYNC_PROGRESS}`) },
      },
      schemas: <Record<string, JsonSchema>>{
        Envelope: jsonSchemaOf(envelopeSchema),
        EventHeaders: EVENT_HEADERS,
        ...Object.fromEntries(types.map((type) => [messageKey(type), jsonSchemaOf(EVENTS[type].data)])),
        [RESYNC_REQUEST]: jsonSchemaOf(resyncRequestSchema),
        [RESYNC_PROGRESS]: jsonSchemaOf(resyncProgressSchema),
      },
      correlationIds: {
        request: { description: 'The request (or resync) that caused the change.', location: '$message.payload#/correlationId' },
      },
    },
  };
}
export type AsyncApiDocument = ReturnType<typeof buildAsyncApi>;

const EVENT_HEADERS: JsonSchema = {
  type: 'object',
  properties: {
    'x-schema-version': { type: 'integer', description: "The envelope's schemaVersion (not on resync re-publications)." },
    traceparent: { type: 'string', description: 'W3C trace context of the write that recorded the event, when tracing is on.' },
    tracestate: { type: 'string' },
  },
};

function eventMessage(type: EventType) {
  const def = EVENTS[type];
  const summary = EVENT_SUMMARIES[type];
  return {
    name: type,
    title: `${type} (schemaVersion ${def.schemaVersion})`,
    ...(summary ? { summary } : {}),
    description: `AMQP properties: messageId = eventId, type = \`${type}\`, correlationId, persistent, application/json.`,
    headers: ref('#/components/schemas/EventHeaders'),
    payload: {
      allOf: [
        ref('#/components/schemas/Envelope'),
        {
          type: 'object',
          properties: {
            type: { const: type },
            schemaVersion: { const: def.schemaVersion },
            source: { const: def.exchange },
            aggregateType: { const: def.aggregateType },
            data: ref(`#/components/schemas/${messageKey(type)}`),
          },
        },
      ],
    },
    correlationId: ref('#/components/correlationIds/request'),
    bindings: { amqp: { messageType: type, bindingVersion: '0.3.0' } },
  };
}
