import type { CertificateGroup, GroupMember } from '../../keystore/groups.js';
import type { Environment, Project } from '../../keystore/model.js';

/** §4 "Certificate environment entry": only the documented fields, in Apinizer's formats (A14). */
export interface CertificateEnvironmentItem {
  environmentName: string;
  alias: string;
  startDate: string;
  endDate: string;
  base64EncodedContent: string;
  sha1Thumbprint: string;
  subjectDn: string;
}

export interface CertificateItem {
  name: string;
  description: string;
  certificateEnvironmentList: CertificateEnvironmentItem[];
}

/** The store keeps fingerprints as `AB:CD:…`; Apinizer shows 40 lowercase hex digits without separators. */
export const thumbprint = (fingerprint: string): string => fingerprint.replace(/:/g, '').toLowerCase();

/** ISO 8601 UTC with milliseconds (§1.4); toISOString always writes them. */
export const isoDate = (millis: number): string => new Date(millis).toISOString();

export function certificateEnvironmentItem(m: GroupMember): CertificateEnvironmentItem {
  const e = m.entry;
  return {
    environmentName: m.environment,
    alias: e.alias,
    startDate: isoDate(e.notBefore),
    endDate: isoDate(e.notAfter),
    // A14: base64 of the DER as stored, which is what every Apinizer example shows (`MII…`).
    base64EncodedContent: e.certDer.toString('base64'),
    sha1Thumbprint: thumbprint(e.sha1),
    // The domain builds DNs most specific RDN first (`CN=…, O=…, C=…`), the form A14 asks for.
    subjectDn: e.subjectDn,
  };
}

export function certificateItem(g: CertificateGroup): CertificateItem {
  return {
    name: g.name,
    description: g.description,
    certificateEnvironmentList: g.members.map(certificateEnvironmentItem),
  };
}

/** §3.9 / §4 Environment. A16: both `name` and `environmentName`, enum values only. */
export interface EnvironmentItem {
  id: string;
  name: string;
  environmentName: string;
  description: string;
  type: string;
  status: 'PUBLISHED';
  accessUrl: string;
  deployed: boolean;
  redeployRequired: boolean;
}

export function environmentItem(e: Environment): EnvironmentItem {
  return {
    // Apinizer's ids are strings (MongoDB ids); clients store them as such.
    id: String(e.id),
    name: e.name,
    environmentName: e.name,
    description: e.description,
    type: e.type,
    // Nothing waits to be published here: a committed write is live in its environment at once.
    status: 'PUBLISHED',
    // There is no gateway in front of a store environment, so no URL to access it through.
    accessUrl: '',
    deployed: true,
    redeployRequired: false,
  };
}

/** §3.9 project item. Relative paths and tags are gateway notions the store does not have. */
export interface ProjectItem {
  name: string;
  description: string;
  id: string;
  relativePath: string;
  enableRelativePath: boolean;
  tags: string[];
}

export function projectItem(p: Project): ProjectItem {
  return {
    name: p.name,
    description: p.description,
    id: String(p.id),
    relativePath: '',
    enableRelativePath: false,
    tags: [],
  };
}
