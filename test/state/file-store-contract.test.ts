import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createStateStore } from '../../src/state/index.js';
import { tempDir } from './helpers.js';
import { closeStores, storeContract } from './store-contract.js';

afterAll(closeStores);

storeContract('file store', async () => {
  const stateDir = join(await tempDir(), '.converge');
  return { open: (options = {}) => createStateStore({ stateDir, ...options }) };
});
