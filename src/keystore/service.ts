import type { Store } from '../store/open.js';
import { Entries } from './entries.js';
import { Groups } from './groups.js';
import { Tenants } from './tenants.js';

/** The rules of the store, one object for every face: tenants, entries and Apinizer's certificate groups. */
export class KeystoreService {
  readonly tenants: Tenants;
  readonly entries: Entries;
  readonly groups: Groups;

  constructor(readonly store: Store) {
    this.tenants = new Tenants(store);
    this.entries = new Entries(store);
    this.groups = new Groups(store);
  }
}
