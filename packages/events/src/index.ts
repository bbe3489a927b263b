export { entityId, envelope, envelopeSchema, type Cause, type Envelope } from './envelope';
export { EVENTS, eventTypesOf, exchangeOf, isEventType, newEvent, parseEvent, type DomainEvent, type EventData, type EventType, type Exchange, type ParseResult } from './registry';
export { CONSUMERS, deadLetterExchange, deadLetterQueue, isConsumerQueue, isReplicaQueue, resyncProgressSchema, resyncQueue, resyncRequestSchema, unroutedExchange, unroutedQueue, type ConsumerQueue, type ReplicaQueue, type ResyncProgress, type ResyncRequest } from './consumers';
export { EVENT_SUMMARIES } from './summaries';
export { userState, userDeleted } from './users';
export { movieState, movieDeleted, reviewCreated } from './movies';
export { screeningScheduled, screeningCancelled } from './catalog';
export { BOOKING_STATUSES, bookingState } from './bookings';
export { creditsGranted, creditsDebited, creditsRejected, creditsRefunded } from './credits';
