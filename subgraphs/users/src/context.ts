import type { RequestContext } from '@cinema/serving';
import { loaderById } from '@cinema/subgraph-runtime';
import type { AccountRepository } from './account/repository';
import type { UserRepository } from './user/repository';

export interface UsersContext extends RequestContext {
  users: UserRepository;
  accounts: AccountRepository;
  loaders: ReturnType<typeof createLoaders>;
}

/** Fresh per request: DataLoader caches must never outlive one operation. */
export function createLoaders(users: UserRepository) {
  return {
    userById: loaderById((ids) => users.findByIds(ids)),
  };
}
