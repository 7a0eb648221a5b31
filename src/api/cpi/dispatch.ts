import type { Operation } from './call.js';
import { entitySet } from './edm.js';
import { CpiError, notFound, notImplemented } from './errors.js';
import { importCertificateChain } from './operations/certificate-chain-import.js';
import { exportCertificate } from './operations/certificate-export.js';
import { importCertificate } from './operations/certificate-import.js';
import { copyHistoryEntry, deleteOrActivateEntry, renameEntry } from './operations/entry-lifecycle.js';
import { countHistoryEntries, getHistoryEntry, listHistoryEntries } from './operations/history-entries.js';
import { chainCertificates, chainResource, signingRequest, sshKey } from './operations/key-pair-exports.js';
import { generateKeyPairRequest } from './operations/key-pair-generation.js';
import { importKeyPairResource } from './operations/key-pair-import.js';
import { countEntries, getEntry, listEntries } from './operations/keystore-entries.js';
import { getKeystoreResource, postKeystoreResource, putKeystoreResource } from './operations/keystore-resources.js';
import {
  countKeystores,
  getKeystore,
  keystoreEntries,
  keystoreSize,
  keystoreSizeValue,
  listKeystores,
} from './operations/keystores.js';
import { rsaKeyGenerationRequest } from './operations/rsa-key-generation.js';
import { metadata, serviceDocument } from './operations/service.js';
import { sshKeyGenerationRequest } from './operations/ssh-key-generation.js';
import type { ResourcePath } from './resource-path.js';

/** The shape of a resource path that selects an operation: `KeystoreEntries(key)/Certificate/$value` etc. */
type Shape = 'collection' | 'count' | 'entity' | 'entity-value' | `nav:${string}` | `nav-value:${string}`;

type Methods = Partial<Record<'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'MERGE', Operation>>;

/**
 * What is served, by entity set and path shape. A set of the EDMX that is missing here, or a shape it lacks, is
 * answered 501 rather than 404: the resource exists in the model, this server does not serve it yet.
 */
const TABLE: Record<string, Partial<Record<Shape, Methods>>> = {
  KeystoreEntries: {
    collection: { GET: listEntries },
    count: { GET: countEntries },
    entity: { GET: getEntry, PUT: renameEntry, DELETE: deleteOrActivateEntry },
    'nav-value:Certificate': { GET: exportCertificate },
    'nav:ChainCertificates': { GET: chainCertificates },
    'nav-value:ChainResource': { GET: chainResource },
    'nav-value:SigningRequest': { GET: signingRequest },
    'nav-value:Sshkey': { GET: sshKey },
  },
  CertificateResources: {
    'entity-value': { PUT: importCertificate },
  },
  CertificateChainResources: {
    'entity-value': { PUT: importCertificateChain },
  },
  KeyPairResources: {
    collection: { POST: importKeyPairResource },
  },
  KeyPairGenerationRequests: {
    collection: { POST: generateKeyPairRequest },
  },
  RSAKeyGenerationRequests: {
    collection: { POST: rsaKeyGenerationRequest },
  },
  SSHKeyGenerationRequests: {
    collection: { POST: sshKeyGenerationRequest },
  },
  KeystoreResources: {
    collection: { POST: postKeystoreResource },
    entity: { GET: getKeystoreResource, PUT: putKeystoreResource },
  },
  HistoryKeystoreEntries: {
    collection: { GET: listHistoryEntries },
    count: { GET: countHistoryEntries },
    entity: { GET: getHistoryEntry, PUT: copyHistoryEntry },
  },
  Keystores: {
    collection: { GET: listKeystores },
    count: { GET: countKeystores },
    entity: { GET: getKeystore },
    'nav:Entries': { GET: keystoreEntries },
    'nav:Size': { GET: keystoreSize },
    'nav-value:Size': { GET: keystoreSizeValue },
  },
};

function shapeOf(path: Extract<ResourcePath, { kind: 'resource' }>): Shape {
  if (path.key === undefined) return path.modifier === '$count' ? 'count' : 'collection';
  if (path.navigation === undefined) return path.modifier === '$value' ? 'entity-value' : 'entity';
  return path.modifier === '$value' ? `nav-value:${path.navigation}` : `nav:${path.navigation}`;
}

/** HEAD is a GET without the body, as Fastify answers it. */
export function resolveOperation(method: string, path: ResourcePath): Operation {
  const m = method === 'HEAD' ? 'GET' : method;
  if (path.kind === 'service' || path.kind === 'metadata') {
    if (m !== 'GET') throw new CpiError(405, `The method ${method} is not allowed on this resource.`, { allow: 'GET' });
    return path.kind === 'service' ? serviceDocument : metadata;
  }
  if (path.kind === 'batch') throw notImplemented('$batch requests are not supported.');

  const set = entitySet(path.set);
  if (!set) throw notFound(`Could not find an entity set or function import for '${path.set}'.`);
  if (path.navigation !== undefined && !set.type.navigations.some((n) => n.name === path.navigation)) {
    if (!set.type.properties.some((p) => p.name === path.navigation))
      throw notFound(`Could not find a property named '${path.navigation}' on type '${set.type.qualifiedName}'.`);
  }
  const shapes = TABLE[path.set];
  const methods = shapes?.[shapeOf(path)];
  if (!methods) throw notImplemented(`The resource ${describe(path)} is not supported yet.`);
  const op = methods[m as keyof Methods];
  if (!op)
    throw new CpiError(405, `The method ${method} is not allowed on ${describe(path)}.`, {
      allow: Object.keys(methods).join(', '),
    });
  return op;
}

function describe(path: Extract<ResourcePath, { kind: 'resource' }>): string {
  return [`${path.set}${path.key ? '(…)' : ''}`, path.navigation, path.modifier].filter(Boolean).join('/');
}
