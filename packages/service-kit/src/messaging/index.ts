export * from './broker';
export * from './consumer';
export * from './outbox';
export * from './projection';
export * from './relay';
export * from './resync';
export * from './runtime';
export * from './topology';
