import type { Store } from '../store/open.js';
import { ApiOpsKeystores } from './apiops-keystores.js';
import { Entries } from './entries.js';
import { type GroupImport, type GroupImportResult, importGroupMembers } from './group-import.js';
import { Groups } from './groups.js';
import { Jwks } from './jwks.js';
import { KeyPairs } from './keypairs.js';
import { Keyring } from './keyring.js';
import { KeystoreFiles } from './keystore-files.js';
import { Lifecycle } from './lifecycle.js';
import type { Actor } from './model.js';
import { Tenants } from './tenants.js';
import { Truststores } from './truststore.js';

export interface KeystoreOptions {
  /** 32 bytes that wrap the store's data key; without it, nothing that holds a secret can be stored. */
  masterKey?: Buffer | undefined;
}

/** The rules of the store, one object for every face: tenants, entries and Apinizer's certificate groups. */
export class KeystoreService {
  readonly tenants: Tenants;
  readonly entries: Entries;
  readonly groups: Groups;
  readonly truststores: Truststores;
  readonly apiopsKeystores: ApiOpsKeystores;
  readonly jwks: Jwks;
  readonly keyPairs: KeyPairs;
  readonly files: KeystoreFiles;
  readonly lifecycle: Lifecycle;
  private readonly ring: Keyring | undefined;

  constructor(
    readonly store: Store,
    opts: KeystoreOptions = {},
  ) {
    this.ring = opts.masterKey ? new Keyring(store, opts.masterKey) : undefined;
    this.tenants = new Tenants(store);
    this.entries = new Entries(store);
    this.groups = new Groups(store);
    this.keyPairs = new KeyPairs(store, () => this.keyring);
    this.files = new KeystoreFiles(store, () => this.keyring);
    this.lifecycle = new Lifecycle(store);
    this.truststores = new Truststores(store);
    this.apiopsKeystores = new ApiOpsKeystores(store, () => this.keyring);
    this.jwks = new Jwks(store, () => this.keyring, this.apiopsKeystores);
  }

  /** Apinizer's import-file: creates the certificate if absent and replaces only the named environments' entries. */
  importCertificate(project: string, name: string, input: GroupImport, actor: Actor): Promise<GroupImportResult> {
    return importGroupMembers(this.store, project, name, input, actor);
  }

  /** Seals and opens private keys and other secrets at rest. */
  get keyring(): Keyring {
    if (!this.ring) throw new Error('this keystore service was opened without a master key');
    return this.ring;
  }
}
