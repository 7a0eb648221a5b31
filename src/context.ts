import type { AuthService } from './auth/service.js';
import type { Config } from './config.js';
import type { KeystoreService } from './keystore/service.js';
import type { Store } from './store/open.js';

/** What every face of the server is given: the configuration and the services below the HTTP layer. */
export interface AppContext {
  config: Config;
  store: Store;
  keystore: KeystoreService;
  auth: AuthService;
}
