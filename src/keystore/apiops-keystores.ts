import { createHash } from 'node:crypto';
import * as repo from '../store/apiops-keystores-repo.js';
import { type Db, insertAudit } from '../store/entries-repo.js';
import type { Store } from '../store/open.js';
import * as tenantsRepo from '../store/tenants-repo.js';
import { alreadyExists, type DomainError, invalid, notFound } from './errors.js';
import type { Keyring } from './keyring.js';
import {
  inspectKeystore,
  type KeystoreEntryFacts,
  KeystoreFileError,
  type KeystoreFileType,
  type OpenedKeystoreEntry,
  openKeystoreEntry,
} from './keystore-inspect.js';
import type { Actor } from './model.js';
import { retrying } from './write-entry.js';

/** One environment of a create, update or import. */
export interface KeystoreEnvironmentInput {
  environment: string;
  /** The file as uploaded; undefined on an update keeps the stored file and password. */
  file?: Uint8Array;
  /** With a file: its password ('' when not given). Without: a new password for the stored file. */
  password?: string;
  /** The entry the keystore is used by; undefined keeps the stored one, or takes the first key entry. */
  alias?: string;
  type?: KeystoreFileType;
}

export interface KeystoreInput {
  /** Undefined keeps the stored description ('' for a new keystore). */
  description?: string;
  environments: KeystoreEnvironmentInput[];
}

export interface KeystoreEnvironmentView {
  environment: string;
  type: KeystoreFileType;
  alias: string;
  fileSize: number;
  fileSha256: string;
  entries: KeystoreEntryFacts[];
  modifiedAt: number;
}

export interface ApiOpsKeystore {
  name: string;
  description: string;
  createdAt: number;
  modifiedAt: number;
  environments: KeystoreEnvironmentView[];
}

/** A stored file opened with the keyring: for the downloads and packages only those allowed may have. */
export interface KeystoreMaterial {
  environment: string;
  type: KeystoreFileType;
  alias: string;
  bytes: Buffer;
  password: string;
  modifiedAt: number;
}

/**
 * create: refused when the name exists. replace (PUT): the keystore ends with exactly the listed environments.
 * merge (import-file, package import): created when absent, only the listed environments replaced.
 */
export type KeystoreWriteMode = 'create' | 'replace' | 'merge';

const FILE_CONTEXT = 'apiops-keystore-file';
const PASSWORD_CONTEXT = 'apiops-keystore-password';

interface Prepared {
  input: KeystoreEnvironmentInput;
  /** Inspected new file, sealed with its password; undefined when the stored file is kept. */
  fresh?: {
    type: KeystoreFileType;
    entries: KeystoreEntryFacts[];
    sha256: string;
    size: number;
    fileEnc: Buffer;
    passwordEnc: Buffer;
  };
}

/**
 * Apinizer's keystores (§3.10): a name in a project with one JKS, JCEKS or PKCS#12 file per environment. Each
 * file is opened with its password when it arrives, and kept exactly as uploaded, sealed with the store's
 * keyring together with its password; what lists show comes from the entries' public facts.
 */
export class ApiOpsKeystores {
  constructor(
    private readonly store: Store,
    private readonly keyring: () => Keyring,
  ) {}

  async list(project: string): Promise<ApiOpsKeystore[]> {
    const p = await this.project(this.store.db, project);
    const rows = await repo.listKeystores(this.store.db, p.id);
    const files = await repo.listFileFacts(
      this.store.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => view(r, files));
  }

  async get(project: string, name: string): Promise<ApiOpsKeystore> {
    const p = await this.project(this.store.db, project);
    const row = await repo.findKeystore(this.store.db, p.id, name);
    if (!row) throw keystoreNotFound(name);
    return view(row, await repo.listFileFacts(this.store.db, [row.id]));
  }

  async write(
    project: string,
    name: string,
    input: KeystoreInput,
    actor: Actor,
    mode: KeystoreWriteMode,
  ): Promise<ApiOpsKeystore> {
    const p = await this.project(this.store.db, project);
    const environments = await this.environments(this.store.db, p.id, input.environments);
    // The costly part, opening and sealing the files, before the transaction.
    const prepared: Prepared[] = [];
    for (const env of input.environments) prepared.push(await this.prepare(env));
    return retrying(this.store, async (trx) => {
      const now = Date.now();
      const current = await repo.findKeystoreForWrite(trx, p.id, name);
      if (mode === 'create' && current) throw alreadyExists('apiops-keystore', name);
      if (mode === 'replace' && !current) throw keystoreNotFound(name);
      const stored = current ? await repo.listFiles(trx, current.id) : [];
      let id: number;
      if (current) {
        id = current.id;
        await repo.updateKeystore(trx, id, {
          ...(input.description === undefined ? {} : { description: input.description }),
          modified_at: now,
          modified_by: actor.name,
          version: current.version + 1,
        });
      } else
        id = await repo.insertKeystore(trx, {
          project_id: p.id,
          name,
          description: input.description ?? '',
          created_at: now,
          created_by: actor.name,
          modified_at: now,
          modified_by: actor.name,
          version: 1,
        });
      const audit: Record<string, string | null> = {};
      for (const [i, item] of prepared.entries()) {
        const envId = environments[i]!;
        const old = stored.find((f) => f.environment_id === envId);
        const row = await this.fileRow(item, old, actor, now);
        await repo.upsertFile(trx, old?.id, { ...row, keystore_id: id, environment_id: envId });
        audit[item.input.environment] = row.file_sha256;
      }
      if (mode === 'replace') {
        const gone = stored.filter((f) => !environments.includes(f.environment_id));
        await repo.deleteFiles(
          trx,
          gone.map((f) => f.id),
        );
        for (const f of gone) audit[f.environment] = null;
      }
      await insertAudit(trx, {
        at: now,
        actor: actor.name,
        action: `apiops-keystore.${mode}`,
        project,
        // Fingerprints of the files, so a change can be traced; never a password.
        detail: JSON.stringify({ name, files: audit }),
      });
      const row = await repo.findKeystore(trx, p.id, name);
      return view(row!, await repo.listFileFacts(trx, [id]));
    });
  }

  async delete(project: string, name: string, actor: Actor): Promise<ApiOpsKeystore> {
    return retrying(this.store, async (trx) => {
      const p = await this.project(trx, project);
      const row = await repo.findKeystoreForWrite(trx, p.id, name);
      if (!row) throw keystoreNotFound(name);
      const before = view(row, await repo.listFileFacts(trx, [row.id]));
      await repo.deleteKeystore(trx, row.id);
      await insertAudit(trx, {
        at: Date.now(),
        actor: actor.name,
        action: 'apiops-keystore.delete',
        project,
        detail: JSON.stringify({ name, environments: before.environments.map((e) => e.environment) }),
      });
      return before;
    });
  }

  /** The stored files, opened: only for callers already allowed to take private material away. */
  async materials(project: string, name: string): Promise<{ keystore: ApiOpsKeystore; files: KeystoreMaterial[] }> {
    const keystore = await this.get(project, name);
    const p = await this.project(this.store.db, project);
    const row = await repo.findKeystore(this.store.db, p.id, name);
    if (!row) throw keystoreNotFound(name);
    const files: KeystoreMaterial[] = [];
    for (const f of await repo.listFiles(this.store.db, row.id))
      files.push({
        environment: f.environment,
        type: f.keystore_type as KeystoreFileType,
        alias: f.alias,
        bytes: await this.keyring().decrypt(f.file_enc, FILE_CONTEXT),
        password: (await this.keyring().decrypt(f.password_enc, PASSWORD_CONTEXT)).toString('utf8'),
        modifiedAt: f.modified_at,
      });
    return { keystore, files };
  }

  /** One entry of an environment's file, opened (for a JWK); undefined when the file has no such entry. */
  async openEntry(
    project: string,
    name: string,
    environment: string,
    alias: string | undefined,
  ): Promise<OpenedKeystoreEntry | undefined> {
    const { files } = await this.materials(project, name);
    const file = files.find((f) => f.environment === environment);
    if (!file) throw environmentMissing(name, environment);
    return openKeystoreEntry(file.bytes, file.type, file.password, alias || file.alias || undefined);
  }

  private async prepare(input: KeystoreEnvironmentInput): Promise<Prepared> {
    if (input.file === undefined) return { input };
    const password = input.password ?? '';
    let inspected: ReturnType<typeof inspectKeystore>;
    try {
      inspected = inspectKeystore(input.file, password, input.type);
    } catch (e) {
      if (e instanceof KeystoreFileError) throw fileRefused(input.environment, input.type, e);
      throw e;
    }
    checkAlias(input.environment, input.alias, inspected.entries);
    return {
      input,
      fresh: {
        ...inspected,
        sha256: createHash('sha256').update(input.file).digest('hex'),
        size: input.file.length,
        fileEnc: await this.keyring().encrypt(input.file, FILE_CONTEXT),
        passwordEnc: await this.keyring().encrypt(Buffer.from(password, 'utf8'), PASSWORD_CONTEXT),
      },
    };
  }

  /** The row of an environment: the new file, or the stored one with what the input changes about it. */
  private async fileRow(item: Prepared, old: repo.KeystoreFileRow | undefined, actor: Actor, now: number) {
    const { input, fresh } = item;
    const common = { modified_at: now, modified_by: actor.name };
    if (fresh) {
      const keyEntry = fresh.entries.find((e) => e.entryType === 'PrivateKeyEntry');
      return {
        ...common,
        keystore_type: fresh.type,
        alias: input.alias ?? keyEntry?.alias ?? '',
        file_enc: fresh.fileEnc,
        password_enc: fresh.passwordEnc,
        file_sha256: fresh.sha256,
        file_size: fresh.size,
        entries: JSON.stringify(fresh.entries),
      };
    }
    if (!old) throw invalid('file value can not be empty!', { type: 'option', name: 'file' });
    const entries = JSON.parse(old.entries) as KeystoreEntryFacts[];
    if (input.type && input.type !== old.keystore_type)
      throw invalid(`Keystore file of environment (${input.environment}) is a ${old.keystore_type} keystore!`);
    checkAlias(input.environment, input.alias, entries);
    let passwordEnc = old.password_enc;
    if (input.password !== undefined) {
      // A new password for the stored file must open it, like a new file's.
      const bytes = await this.keyring().decrypt(old.file_enc, FILE_CONTEXT);
      try {
        inspectKeystore(bytes, input.password);
      } catch (e) {
        if (e instanceof KeystoreFileError) throw fileRefused(input.environment, undefined, e);
        throw e;
      }
      passwordEnc = await this.keyring().encrypt(Buffer.from(input.password, 'utf8'), PASSWORD_CONTEXT);
    }
    return {
      ...common,
      keystore_type: old.keystore_type,
      alias: input.alias ?? old.alias,
      file_enc: old.file_enc,
      password_enc: passwordEnc,
      file_sha256: old.file_sha256,
      file_size: old.file_size,
      entries: old.entries,
    };
  }

  private async project(db: Db, name: string) {
    const p = name.includes('\u0000') ? undefined : await tenantsRepo.findProject(db, name);
    if (!p) throw notFound('project', name);
    return p;
  }

  /** Each environment's id, in input order; unknown ones and repeats refused. */
  private async environments(db: Db, projectId: number, input: KeystoreEnvironmentInput[]): Promise<number[]> {
    const ids: number[] = [];
    const seen = new Set<string>();
    for (const e of input) {
      if (seen.has(e.environment))
        throw invalid(`Environment (${e.environment}) is listed more than once!`, {
          type: 'environment',
          name: e.environment,
        });
      seen.add(e.environment);
      const row = await tenantsRepo.findEnvironment(db, projectId, e.environment);
      if (!row) throw notFound('environment', e.environment);
      ids.push(row.id);
    }
    return ids;
  }
}

export const keystoreNotFound = (name: string) => notFound('apiops-keystore', name);

const environmentMissing = (name: string, environment: string) =>
  invalid(`Keystore (name: ${name}) has no file for environment (${environment})!`, {
    type: 'environment',
    name: environment,
  });

function fileRefused(environment: string, declared: KeystoreFileType | undefined, e: KeystoreFileError): DomainError {
  const subject = { type: 'environment' as const, name: environment };
  switch (e.problem) {
    case 'password':
      return invalid(
        `Keystore file of environment (${environment}) can not be opened with the given password!`,
        subject,
      );
    case 'type-mismatch':
      return invalid(
        `Keystore file of environment (${environment}) is a ${e.actualType} keystore, not ${declared}!`,
        subject,
      );
    case 'not-keystore':
      return invalid(`Keystore file of environment (${environment}) is not a JKS or PKCS12 keystore!`, subject);
    case 'malformed':
      return invalid(`Keystore file of environment (${environment}) can not be read: ${e.message}!`, subject);
  }
}

/** A named alias must be an entry of the file, when the file lists its entries (a PKCS#12 truststore can't). */
function checkAlias(environment: string, alias: string | undefined, entries: KeystoreEntryFacts[]): void {
  if (alias === undefined || alias === '' || entries.length === 0) return;
  if (!entries.some((e) => e.alias === alias))
    throw invalid(`Alias (${alias}) is not found in the keystore of environment (${environment})!`, {
      type: 'alias',
      name: alias,
    });
}

function view(row: repo.KeystoreRow, files: repo.KeystoreFileFacts[]): ApiOpsKeystore {
  return {
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    environments: files
      .filter((f) => f.keystore_id === row.id)
      .map((f) => ({
        environment: f.environment,
        type: f.keystore_type as KeystoreFileType,
        alias: f.alias,
        fileSize: f.file_size,
        fileSha256: f.file_sha256,
        entries: JSON.parse(f.entries) as KeystoreEntryFacts[],
        modifiedAt: f.modified_at,
      })),
  };
}
