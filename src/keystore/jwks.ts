import { splitDer } from '../pki/der-split.js';
import { PkiError } from '../pki/errors.js';
import { type Jwk, jwkThumbprint, privateJwk, publicJwk } from '../pki/jwk.js';
import { type Db, findEntriesByGroup, insertAudit } from '../store/entries-repo.js';
import { findGroup } from '../store/groups-repo.js';
import * as repo from '../store/jwks-repo.js';
import type { Store } from '../store/open.js';
import * as tenantsRepo from '../store/tenants-repo.js';
import { GLOBAL_PROJECT } from './alias-scope.js';
import type { ApiOpsKeystores } from './apiops-keystores.js';
import { alreadyExists, DomainError, invalid, notFound } from './errors.js';
import type { CertificateGroup } from './groups.js';
import type { Keyring } from './keyring.js';
import type { Actor } from './model.js';
import { retrying } from './write-entry.js';

export type JwkSource = 'CERTIFICATE' | 'KEYSTORE';
export type JwkUseType = 'SIGNATURE' | 'ENCRYPTION';

export interface JwkInput {
  /** Undefined keeps the stored description ('' for a new JWK). */
  description?: string;
  sourceType: JwkSource;
  certificateName?: string;
  keystoreName?: string;
  environmentName: string;
  alias?: string;
  useType: JwkUseType;
  /** Undefined: the first algorithm that fits the key. */
  algorithm?: string;
  /** Undefined: the RFC 7638 thumbprint of the key. */
  kid?: string;
}

export interface JwkView {
  name: string;
  description: string;
  sourceType: JwkSource;
  /** The project of the certificate it follows (`admin` for a global one); null once unlinked. */
  certificateProject: string | null;
  certificateName: string | null;
  keystoreName: string | null;
  environmentName: string | null;
  alias: string | null;
  useType: JwkUseType;
  algorithm: string;
  kid: string;
  /** Public parameters only. */
  jwk: Jwk;
  /** Whether a private key is kept (made from a keystore's key entry). */
  hasPrivate: boolean;
  createdAt: number;
  modifiedAt: number;
}

/** What update and delete of a certificate do to the JWKs made from it (reference §3.4, §3.5, A15). */
export type CertificateChange =
  | { kind: 'update'; action: 'NULLIFY' | 'UPDATE'; scope: 'SAME_PROJECT' | 'ALL_PROJECTS'; group: CertificateGroup }
  | { kind: 'delete'; action: 'NULLIFY' | 'DELETE' };

interface Derived {
  jwk: Jwk;
  pkcs8?: Uint8Array;
  certificateProjectId: number | null;
  certificateName: string | null;
}

const PRIVATE_CONTEXT = 'apiops-jwk-private';
const USES = { SIGNATURE: 'sig', ENCRYPTION: 'enc' } as const;

/**
 * Apinizer's JWKs (§3.10), made from a certificate of the project (or of `admin`, the global project) or from
 * an entry of one of its keystores. The public JWK is kept in clear; a keystore key entry's private key only
 * sealed with the keyring, and handed out only when export asks for it (the API decides who may).
 */
export class Jwks {
  constructor(
    private readonly store: Store,
    private readonly keyring: () => Keyring,
    private readonly keystores: ApiOpsKeystores,
  ) {}

  async list(project: string): Promise<JwkView[]> {
    const p = await this.project(this.store.db, project);
    const rows = await repo.listJwks(this.store.db, p.id);
    const names = await this.projectNames(this.store.db);
    return rows.map((r) => view(r, names));
  }

  async get(project: string, name: string): Promise<JwkView> {
    const p = await this.project(this.store.db, project);
    const row = await repo.findJwk(this.store.db, p.id, name);
    if (!row) throw jwkNotFound(name);
    return view(repo.jwkFacts(row), await this.projectNames(this.store.db));
  }

  /** The public JWK the input would make, without storing anything (the parse-from-* operations). */
  async preview(project: string, input: JwkInput): Promise<Jwk> {
    const p = await this.project(this.store.db, project);
    return (await this.derive(p, input)).jwk;
  }

  async create(project: string, name: string, input: JwkInput, actor: Actor): Promise<JwkView> {
    const p = await this.project(this.store.db, project);
    const derived = await this.derive(p, input);
    const privateEnc = derived.pkcs8 ? await this.keyring().encrypt(derived.pkcs8, PRIVATE_CONTEXT) : null;
    return retrying(this.store, async (trx) => {
      if (await repo.findJwkForWrite(trx, p.id, name)) throw alreadyExists('jwk', name);
      const now = Date.now();
      await repo.insertJwk(trx, {
        ...columns(input, derived, privateEnc),
        project_id: p.id,
        name,
        description: input.description ?? '',
        created_at: now,
        created_by: actor.name,
        modified_at: now,
        modified_by: actor.name,
        version: 1,
      });
      await this.audit(trx, 'jwk.create', project, name, actor, now);
      return this.read(trx, p.id, name);
    });
  }

  async update(project: string, name: string, input: JwkInput, actor: Actor): Promise<JwkView> {
    const p = await this.project(this.store.db, project);
    if (!(await repo.findJwk(this.store.db, p.id, name))) throw jwkNotFound(name);
    const derived = await this.derive(p, input);
    const privateEnc = derived.pkcs8 ? await this.keyring().encrypt(derived.pkcs8, PRIVATE_CONTEXT) : null;
    return retrying(this.store, async (trx) => {
      const current = await repo.findJwkForWrite(trx, p.id, name);
      if (!current) throw jwkNotFound(name);
      const now = Date.now();
      await repo.updateJwk(trx, current.id, {
        ...columns(input, derived, privateEnc),
        ...(input.description === undefined ? {} : { description: input.description }),
        modified_at: now,
        modified_by: actor.name,
        version: current.version + 1,
      });
      await this.audit(trx, 'jwk.update', project, name, actor, now);
      return this.read(trx, p.id, name);
    });
  }

  async delete(project: string, name: string, actor: Actor): Promise<JwkView> {
    return retrying(this.store, async (trx) => {
      const p = await this.project(trx, project);
      const current = await repo.findJwkForWrite(trx, p.id, name);
      if (!current) throw jwkNotFound(name);
      const before = view(repo.jwkFacts(current), await this.projectNames(trx));
      await repo.deleteJwk(trx, current.id);
      await this.audit(trx, 'jwk.delete', project, name, actor, Date.now());
      return before;
    });
  }

  /** The JWK to hand out: public parameters, or with the private ones when asked for and kept. */
  async export(project: string, name: string, includePrivate: boolean): Promise<Jwk> {
    const p = await this.project(this.store.db, project);
    const row = await repo.findJwk(this.store.db, p.id, name);
    if (!row) throw jwkNotFound(name);
    const pub = JSON.parse(row.public_jwk) as Jwk;
    if (!includePrivate || row.private_enc === null) return pub;
    const pkcs8 = await this.keyring().decrypt(row.private_enc, PRIVATE_CONTEXT);
    const chain = (pub.x5c ?? []).map((c) => Buffer.from(c, 'base64'));
    return privateJwk(pkcs8, chain, { use: pub.use, alg: pub.alg, kid: pub.kid });
  }

  /**
   * Runs in the certificate's own transaction. UPDATE remakes each JWK in scope from the certificate's new
   * entry in the JWK's environment (a custom kid is kept); a JWK whose environment the certificate no longer
   * has, or whose algorithm no longer fits, is unlinked instead. NULLIFY unlinks: the JWK keeps its key and no
   * longer follows the certificate. JWKs outside the scope are left as they are. A deleted certificate's JWKs
   * are all unlinked (NULLIFY) or deleted (DELETE).
   */
  async followCertificate(
    trx: Db,
    certificateProject: string,
    certificateName: string,
    change: CertificateChange,
    actor: Actor,
    now: number,
  ): Promise<void> {
    const p = await this.project(trx, certificateProject);
    const inScope = change.kind === 'update' && change.scope === 'SAME_PROJECT' ? p.id : undefined;
    const names = await this.projectNames(trx);
    for (const jwk of await repo.jwksOfCertificate(trx, p.id, certificateName, inScope)) {
      const project = names.get(jwk.project_id) ?? '';
      if (change.kind === 'delete' && change.action === 'DELETE') {
        await repo.deleteJwk(trx, jwk.id);
        await this.audit(trx, 'jwk.delete', project, jwk.name, actor, now);
        continue;
      }
      const remade = change.kind === 'update' && change.action === 'UPDATE' ? remake(jwk, change.group) : undefined;
      const set = remade
        ? { public_jwk: JSON.stringify(remade), kid: remade.kid }
        : { certificate_project_id: null, certificate_name: null };
      await repo.updateJwk(trx, jwk.id, {
        ...set,
        modified_at: now,
        modified_by: actor.name,
        version: jwk.version + 1,
      });
      await this.audit(trx, remade ? 'jwk.update' : 'jwk.unlink', project, jwk.name, actor, now);
    }
  }

  private async derive(p: tenantsRepo.ProjectRow, input: JwkInput): Promise<Derived> {
    const opts = { use: USES[input.useType], ...(input.algorithm ? { alg: input.algorithm } : {}) };
    const withKid = input.kid ? { ...opts, kid: input.kid } : opts;
    if (input.sourceType === 'CERTIFICATE') {
      const name = input.certificateName ?? '';
      const { projectId, chain } = await this.certificateChain(p, name, input.environmentName);
      return { jwk: make(() => publicJwk(chain, withKid)), certificateProjectId: projectId, certificateName: name };
    }
    const keystore = input.keystoreName ?? '';
    const entry = await this.keystores.openEntry(p.name, keystore, input.environmentName, input.alias);
    if (!entry)
      throw input.alias
        ? invalid(`Alias (${input.alias}) is not found in the keystore of environment (${input.environmentName})!`, {
            type: 'alias',
            name: input.alias,
          })
        : invalid(`Keystore (name: ${keystore}) holds no entry in environment (${input.environmentName})!`);
    if (entry.chain.length === 0)
      throw invalid(`Keystore entry (${entry.alias}) holds no public key to make a JWK of!`, {
        type: 'alias',
        name: entry.alias,
      });
    const jwk = make(() => publicJwk(entry.chain, withKid));
    return entry.pkcs8
      ? { jwk, pkcs8: entry.pkcs8, certificateProjectId: null, certificateName: null }
      : { jwk, certificateProjectId: null, certificateName: null };
  }

  /** The certificate of the project, else of the global project, and its chain in the environment. */
  private async certificateChain(p: tenantsRepo.ProjectRow, name: string, environment: string) {
    const db = this.store.db;
    let owner = p;
    let group = await findGroup(db, p.id, name);
    if (!group && p.name !== GLOBAL_PROJECT) {
      const global = await tenantsRepo.findProject(db, GLOBAL_PROJECT);
      group = global ? await findGroup(db, global.id, name) : undefined;
      if (global && group) owner = global;
    }
    if (!group) throw notFound('certificate', name);
    const envs = new Map((await tenantsRepo.listEnvironments(db, owner.id)).map((e) => [e.id, e.name]));
    const member = (await findEntriesByGroup(db, group.id)).find((m) => envs.get(m.environment_id) === environment);
    if (!member) {
      if (![...envs.values()].includes(environment)) throw notFound('environment', environment);
      throw invalid(`Certificate (name: ${name}) has no entry for environment (${environment})!`, {
        type: 'environment',
        name: environment,
      });
    }
    const chain = [member.cert_der, ...(member.chain_der ? splitDer(member.chain_der) : [])];
    return { projectId: owner.id, chain };
  }

  private async read(db: Db, projectId: number, name: string): Promise<JwkView> {
    const row = await repo.findJwk(db, projectId, name);
    if (!row) throw jwkNotFound(name);
    return view(repo.jwkFacts(row), await this.projectNames(db));
  }

  private async project(db: Db, name: string): Promise<tenantsRepo.ProjectRow> {
    const p = name.includes('\u0000') ? undefined : await tenantsRepo.findProject(db, name);
    if (!p) throw notFound('project', name);
    return p;
  }

  private async projectNames(db: Db): Promise<Map<number, string>> {
    return new Map((await tenantsRepo.listProjects(db)).map((p) => [p.id, p.name]));
  }

  private audit(trx: Db, action: string, project: string, name: string, actor: Actor, at: number) {
    return insertAudit(trx, { at, actor: actor.name, action, project, detail: JSON.stringify({ jwk: name }) });
  }
}

export const jwkNotFound = (name: string) => notFound('jwk', name);

/** pki's refusal (no JWK form, an algorithm that doesn't fit) as the caller's mistake. */
function make(fn: () => Jwk): Jwk {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PkiError) throw new DomainError('Invalid', `JWK can not be made: ${e.message}!`);
    throw e;
  }
}

/** The JWK remade from the certificate's new entry, or undefined when it can't be (it is unlinked then). */
function remake(jwk: repo.JwkRow, group: CertificateGroup): Jwk | undefined {
  const member = group.members.find((m) => m.environment === jwk.environment_name);
  if (!member) return undefined;
  const old = JSON.parse(jwk.public_jwk) as Jwk;
  const customKid = old.kid !== jwkThumbprint(old);
  const chain = [member.entry.certDer, ...(member.entry.chainDer ? splitDer(member.entry.chainDer) : [])];
  try {
    return publicJwk(chain, { use: old.use, alg: old.alg, ...(customKid ? { kid: old.kid } : {}) });
  } catch (e) {
    if (e instanceof PkiError) return undefined;
    throw e;
  }
}

function columns(input: JwkInput, d: Derived, privateEnc: Buffer | null) {
  return {
    source_type: input.sourceType,
    certificate_project_id: d.certificateProjectId,
    certificate_name: d.certificateName,
    keystore_name: input.sourceType === 'KEYSTORE' ? (input.keystoreName ?? null) : null,
    environment_name: input.environmentName,
    alias: input.sourceType === 'KEYSTORE' ? (input.alias ?? null) : null,
    use_type: input.useType,
    algorithm: d.jwk.alg,
    kid: d.jwk.kid,
    public_jwk: JSON.stringify(d.jwk),
    private_enc: privateEnc,
  };
}

function view(r: repo.JwkFacts, projects: Map<number, string>): JwkView {
  return {
    name: r.name,
    description: r.description,
    sourceType: r.source_type as JwkSource,
    certificateProject: r.certificate_project_id === null ? null : (projects.get(r.certificate_project_id) ?? null),
    certificateName: r.certificate_name,
    keystoreName: r.keystore_name,
    environmentName: r.environment_name,
    alias: r.alias,
    useType: r.use_type as JwkUseType,
    algorithm: r.algorithm,
    kid: r.kid,
    jwk: JSON.parse(r.public_jwk) as Jwk,
    hasPrivate: r.has_private,
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
  };
}
