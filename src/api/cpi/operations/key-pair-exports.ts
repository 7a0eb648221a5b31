import { chainOf } from '../../../keystore/keypairs.js';
import type { Entry, KeystoreName } from '../../../keystore/model.js';
import { parseCertificate } from '../../../pki/certificate.js';
import { certificateSubjectDer } from '../../../pki/certificate-subject.js';
import { pkcs7Pem, writePkcs7 } from '../../../pki/chain.js';
import { createCsr } from '../../../pki/csr.js';
import { PkiError } from '../../../pki/errors.js';
import { sshPublicKey } from '../../../pki/ssh.js';
import type { Answer, CpiCall, Operation } from '../call.js';
import { chainCertificateValues } from '../chain-entities.js';
import { type CollectionRequest, collectionRequest } from '../collection-request.js';
import { entityType } from '../edm.js';
import { badRequest } from '../errors.js';
import { aliasFromKey } from '../hexalias-key.js';
import { countValuePage, queryValuePage } from '../memory-collection.js';
import { COLLECTION_QUERY_OPTIONS, keystoreNameOption } from '../query-options.js';
import { feedAnswer } from '../render.js';
import { type Selection, selection } from '../selection.js';

const CHAIN_CERTIFICATE = entityType('ChainCertificate');

interface Addressed {
  alias: string;
  keystore: KeystoreName;
}

/** The entry of `KeystoreEntries('{hex}')/…`, in the keystore `keystoreName` names (D21: all four on reads). */
function addressed(call: CpiCall): Addressed {
  return {
    alias: aliasFromKey(call.path.kind === 'resource' ? call.path.key : undefined),
    keystore: keystoreNameOption(call.params),
  };
}

/** D15: what only a key pair has, a certificate entry is refused with the text of the chain import (§1.5). */
async function keyPair(call: CpiCall, { alias, keystore }: Addressed): Promise<Entry> {
  const entry = await call.ctx.keystore.entries.get(await call.keystore(keystore), alias);
  if (entry.kind !== 'keypair') throw badRequest(`Alias "${alias}" does not represent a Key Pair`);
  return entry;
}

interface ChainPrepared extends Addressed {
  req: CollectionRequest;
  sel: Selection;
}

/**
 * `GET /KeystoreEntries('{hex}')/ChainCertificates[/$count]` (§3.3): the chain as entities, Index 0 the entry's
 * certificate. A chain has a handful of certificates, so the query options run over them in memory.
 */
export const chainCertificates: Operation<ChainPrepared> = {
  queryOptions: COLLECTION_QUERY_OPTIONS,
  prepare(call) {
    const req = collectionRequest(call.params, CHAIN_CERTIFICATE);
    return { ...addressed(call), req, sel: selection(CHAIN_CERTIFICATE, req.select) };
  },
  async handle(call, prepared): Promise<Answer> {
    const entry = await keyPair(call, prepared);
    const all = chainCertificateValues(entry, chainOf(entry));
    const { req, sel } = prepared;
    if (call.path.kind === 'resource' && call.path.modifier === '$count')
      return { status: 200, type: 'text/plain;charset=utf-8', body: String(countValuePage(all, req)) };
    const path = `KeystoreEntries('${all[0]?.Hexalias ?? ''}')/ChainCertificates`;
    const page = queryValuePage(call, all, req, path);
    return feedAnswer(call, call.format, 'ChainCertificates', sel, page.page, page.count, page.next);
  },
};

/** `GET …/ChainResource/$value` (§3.3, D16): the chain as a certificates-only PKCS#7 in PEM. */
export const chainResource: Operation<Addressed> = {
  queryOptions: ['$format'],
  prepare: addressed,
  async handle(call, prepared) {
    const entry = await keyPair(call, prepared);
    return { status: 200, type: 'application/pkcs7-mime', body: pkcs7Pem(writePkcs7(chainOf(entry))) };
  },
};

/**
 * `GET …/SigningRequest/$value` (§3.3): a PKCS#10 request with the certificate's subject and public key, signed by
 * the pair's private key. The key is opened for the signature only; it never leaves this function.
 */
export const signingRequest: Operation<Addressed> = {
  queryOptions: ['$format'],
  prepare: addressed,
  async handle(call, prepared) {
    const entry = await keyPair(call, prepared);
    const key = await call.ctx.keystore.keyPairs.privateKey(await call.keystore(prepared.keystore), entry.alias);
    return { status: 200, type: 'application/pkcs10', body: createCsr(key, certificateSubjectDer(entry.certDer)) };
  },
};

/** `GET …/Sshkey/$value` (§3.3): the public key as an authorized_keys line; RSA and DSA only, as SAP offers. */
export const sshKey: Operation<Addressed> = {
  queryOptions: ['$format'],
  prepare: addressed,
  async handle(call, prepared) {
    const entry = await keyPair(call, prepared);
    try {
      const line = sshPublicKey(parseCertificate(entry.certDer).subjectKeyDer, entry.alias);
      return { status: 200, type: 'text/plain;charset=utf-8', body: line };
    } catch (e) {
      if (e instanceof PkiError) throw badRequest(e.message);
      throw e;
    }
  },
};
