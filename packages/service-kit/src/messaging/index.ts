export * from './broker';
export * from './consumer';
export * from './outbox';
export * from './projection';
export * from './relay';
export * from './topology';
