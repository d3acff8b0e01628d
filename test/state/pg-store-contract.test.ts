import { afterAll, inject } from 'vitest';
import { createStateStore } from '../../src/state/index.js';
import { pgUrl, type PostgresInfo } from '../helpers/postgres.js';
import { closeStores, storeContract } from './store-contract.js';

afterAll(closeStores);

storeContract('PostgreSQL store', async () => {
  const info = inject('postgres');
  if ('error' in info) throw new Error(info.error);
  const url = pgUrl(info as PostgresInfo);
  return { open: (options = {}) => createStateStore({ url, ...options }) };
});
