import type { ApiOpsKeystore, KeystoreEnvironmentView } from '../../keystore/apiops-keystores.js';
import type { KeystoreEntryFacts } from '../../keystore/keystore-inspect.js';
import { isoDate, thumbprint } from './mappers.js';

/** An entry of a keystore file as lists show it: public facts only. */
export interface KeystoreEntryItem {
  alias: string;
  entryType: string;
  subjectDn?: string;
  startDate?: string;
  endDate?: string;
  sha1Thumbprint?: string;
}

/** §3.10's keyStoreEnvironmentList item without `file` and `password`, which never leave but by export. */
export interface KeystoreEnvironmentItem {
  environmentName: string;
  alias: string;
  keyStoreType: string;
  fileSize: number;
  sha256Thumbprint: string;
  entryList: KeystoreEntryItem[];
}

export interface KeystoreItem {
  name: string;
  description: string;
  keyStoreEnvironmentList: KeystoreEnvironmentItem[];
}

function entryItem(e: KeystoreEntryFacts): KeystoreEntryItem {
  const item: KeystoreEntryItem = { alias: e.alias, entryType: e.entryType };
  if (e.subjectDn !== undefined) item.subjectDn = e.subjectDn;
  if (e.notBefore !== undefined) item.startDate = isoDate(e.notBefore);
  if (e.notAfter !== undefined) item.endDate = isoDate(e.notAfter);
  if (e.sha1 !== undefined) item.sha1Thumbprint = thumbprint(e.sha1);
  return item;
}

const environmentItem = (e: KeystoreEnvironmentView): KeystoreEnvironmentItem => ({
  environmentName: e.environment,
  alias: e.alias,
  keyStoreType: e.type,
  fileSize: e.fileSize,
  sha256Thumbprint: e.fileSha256,
  entryList: e.entries.map(entryItem),
});

export const keystoreItem = (k: ApiOpsKeystore): KeystoreItem => ({
  name: k.name,
  description: k.description,
  keyStoreEnvironmentList: k.environments.map(environmentItem),
});
