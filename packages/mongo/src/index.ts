export { watchClient } from './mongo-watchdog';
export { connectMongo, isDuplicateKeyError, MONGO_CLIENT_OPTIONS, mongoReachable } from './mongo';
