/**
 * The subscription queue of one gateway process, as the event catalog (scripts/lib/asyncapi)
 * documents it: `gateway:subscriptions:<host>:<pid>:<random>`, deleted by the broker this long
 * after its consumer is gone.
 */
export const SUBSCRIPTION_QUEUE_PREFIX = 'gateway:subscriptions';
export const SUBSCRIPTION_QUEUE_EXPIRES_MS = 30_000;
