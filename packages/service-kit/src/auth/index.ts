export * from './identity';
export * from './policy';
export * from './policy-plugin';
export * from './request-signing';
export * from './rules';
