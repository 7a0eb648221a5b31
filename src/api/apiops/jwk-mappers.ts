import type { JwkView } from '../../keystore/jwks.js';
import type { Jwk } from '../../pki/jwk.js';

/** A JWK as lists and gets show it: its source, its options and the public JWK itself. */
export interface JwkItem {
  name: string;
  description: string;
  sourceType: string;
  certificateName: string | null;
  /** The certificate's project: the JWK's own, or `admin` for a global certificate; null when unlinked. */
  certificateProjectName: string | null;
  keystoreName: string | null;
  environmentName: string | null;
  alias: string | null;
  useType: string;
  algorithm: string;
  kid: string;
  /** Whether export-file/?publicOnly=false can give private parameters (to the project's admins). */
  hasPrivateKey: boolean;
  jwk: Jwk;
}

export const jwkItem = (v: JwkView): JwkItem => ({
  name: v.name,
  description: v.description,
  sourceType: v.sourceType,
  certificateName: v.certificateName,
  certificateProjectName: v.certificateProject,
  keystoreName: v.keystoreName,
  environmentName: v.environmentName,
  alias: v.alias,
  useType: v.useType,
  algorithm: v.algorithm,
  kid: v.kid,
  hasPrivateKey: v.hasPrivate,
  jwk: v.jwk,
});
