export { entityId, envelope, envelopeSchema, type Cause, type Envelope } from './envelope';
export { EVENTS, eventTypesOf, exchangeOf, isEventType, newEvent, parseEvent, type DomainEvent, type EventData, type EventType, type Exchange, type ParseResult } from './registry';
export { CONSUMERS, deadLetterExchange, deadLetterQueue, isConsumerQueue, resyncProgressSchema, resyncQueue, resyncRequestSchema, unroutedExchange, unroutedQueue, type ConsumerQueue, type ResyncProgress, type ResyncRequest } from './consumers';
export { EVENT_SUMMARIES } from './summaries';
export { userState, userDeleted } from './users';
export { movieState, movieDeleted, reviewCreated } from './movies';
export { screeningScheduled, screeningCancelled } from './catalog';
