import { createHash } from 'node:crypto';
import type { KeystoreFileType } from '../../keystore/keystore-inspect.js';
import { KEYSTORE_FILE_TYPES } from '../../keystore/keystore-inspect.js';
import { badRequest } from './errors.js';
import { text } from './messages.js';
import { safeFileNamePart } from './safe-name.js';
import { readZip, type ZipLimits } from './zip-read.js';
import { writeZip } from './zip-write.js';

/**
 * The keystore package of `keystores/{name}/export/` and `keystores/import/` (docs/apiops-keystore-package.md):
 * a ZIP with `keystore.json` and each environment's file exactly as uploaded. The passwords are in
 * `keystore.json` only when the package is sealed with a passphrase (pki/passphrase-seal.ts): a plain package
 * carries files that only their passwords open, and not the passwords.
 */
export const PACKAGE_FORMAT = 'openkeystore.apiops.keystore-package';
export const PACKAGE_VERSION = 1;
const MANIFEST = 'keystore.json';

export interface PackageEnvironment {
  environment: string;
  type: KeystoreFileType;
  alias: string;
  bytes: Buffer;
  /** Only in a sealed package. */
  password?: string;
}

export interface KeystorePackage {
  name: string;
  description: string;
  environments: PackageEnvironment[];
}

interface ManifestEnvironment {
  environmentName: string;
  keyStoreType: KeystoreFileType;
  alias: string;
  file: string;
  sha256: string;
  password?: string;
}

const EXTENSIONS: Record<KeystoreFileType, string> = { JKS: '.jks', JCEKS: '.jceks', PKCS12: '.p12' };

export const keystoreFileExtension = (type: KeystoreFileType): string => EXTENSIONS[type];

export function writePackage(pkg: KeystorePackage, withPasswords: boolean, modifiedAt: number): Uint8Array {
  const used = new Set<string>([MANIFEST]);
  const files = pkg.environments.map((e) => {
    const base = safeFileNamePart(e.environment);
    let stem = base;
    for (let n = 2; used.has(`${stem}${EXTENSIONS[e.type]}`); n++) stem = `${base}-${n}`;
    used.add(`${stem}${EXTENSIONS[e.type]}`);
    return { e, stem, name: `${stem}${EXTENSIONS[e.type]}` };
  });
  const manifest = {
    format: PACKAGE_FORMAT,
    version: PACKAGE_VERSION,
    name: pkg.name,
    description: pkg.description,
    keyStoreEnvironmentList: files.map(
      ({ e, name }): ManifestEnvironment => ({
        environmentName: e.environment,
        keyStoreType: e.type,
        alias: e.alias,
        file: name,
        sha256: sha256(e.bytes),
        ...(withPasswords && e.password !== undefined ? { password: e.password } : {}),
      }),
    ),
  };
  return writeZip([
    { stem: 'keystore', extension: '.json', bytes: Buffer.from(JSON.stringify(manifest, null, 2)), modifiedAt },
    ...files.map(({ e, stem }) => ({ stem, extension: EXTENSIONS[e.type], bytes: e.bytes, modifiedAt })),
  ]);
}

/** A package read back; every way it can be wrong is a 400 that says so. */
export function readPackage(bytes: Uint8Array, limits: ZipLimits): KeystorePackage {
  const files = new Map(readZip(bytes, limits).map((f) => [f.path, f.data]));
  const raw = files.get(MANIFEST);
  if (!raw) throw badRequest(text.notPackage);
  let manifest: unknown;
  try {
    manifest = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest(text.notPackage);
  }
  const m = manifest as Record<string, unknown>;
  if (typeof m !== 'object' || m === null || m.format !== PACKAGE_FORMAT) throw badRequest(text.notPackage);
  if (m.version !== PACKAGE_VERSION) throw badRequest(text.packageVersion(String(m.version)));
  if (typeof m.name !== 'string' || !Array.isArray(m.keyStoreEnvironmentList)) throw badRequest(text.notPackage);
  const environments = m.keyStoreEnvironmentList.map((item: unknown): PackageEnvironment => {
    const e = item as Partial<ManifestEnvironment>;
    const type = KEYSTORE_FILE_TYPES.find((t) => t === e.keyStoreType);
    if (typeof e.environmentName !== 'string' || !type || typeof e.file !== 'string') throw badRequest(text.notPackage);
    const data = files.get(e.file);
    if (!data || sha256(data) !== e.sha256) throw badRequest(text.packageDamaged(e.file));
    return {
      environment: e.environmentName,
      type,
      alias: typeof e.alias === 'string' ? e.alias : '',
      bytes: data,
      ...(typeof e.password === 'string' ? { password: e.password } : {}),
    };
  });
  return { name: m.name, description: typeof m.description === 'string' ? m.description : '', environments };
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
