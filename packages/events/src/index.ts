export * from './envelope';
export * from './registry';
export * from './consumers';
export { userState, userDeleted } from './users';
export { movieState, movieDeleted, reviewCreated } from './movies';
export { screeningScheduled, screeningCancelled } from './catalog';
