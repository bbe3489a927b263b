/** A failure that retrying cannot fix: the consumer dead-letters the message with the reason. */
export class PermanentError extends Error {}
