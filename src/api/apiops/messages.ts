/**
 * The texts Apinizer's API Ops answers with (reference §1.2, §1.3). Clients match on them, so they are kept
 * word for word, grammar included; texts of our own follow the same style (a sentence ending in "!").
 */
export const text = {
  emptyValue: (field: string) => `${field} value can not be empty!`,
  certificateExists: (name: string) => `Certificate (name: ${name}) is already exist!`,
  aliasInUse: (alias: string) => `Alias (${alias}) is already used for another certificate, try changing this value!`,
  certificateNotFound: (name: string) => `Certificate (name: ${name}) is not found!`,
  environmentNotFound: (env: string) =>
    `Environment (${env}) is not found or user does not have privilege to access it!`,
  projectNotFound: (project: string) =>
    `Project (${project}) is not found or user does not have privilege to access it!`,
  noPermission: 'User does not have required permission for this operation!',
  archiveNoMaterial: (name: string) =>
    `This archive holds no importable material for certificate (${name})! Entries must be named <certificateName>-<environmentName>.cer, as the export writes them.`,
  mappedOut: (env: string) => `Environment (${env}) was deliberately left out by the caller's mapping.`,
  entryNotNamingEnvironment: (entry: string, name: string) =>
    `Archive entry (${entry}) does not name an environment of certificate (${name}) and was not imported.`,
  bundleEmpty: 'The uploaded bundle holds no certificate file!',
  bundleNothingImported: (reasons: readonly string[]) =>
    `No certificate in this bundle could be imported! ${reasons.join(' ')}`,
  bundleFileFailed: (name: string, reason: string) => `Certificate (${name}) could not be imported: ${reason}`,
  truststoreEmpty: (env: string) =>
    `Environment (${env}) reported no truststore certificate! The workers may be unreachable, or nothing is deployed to them.`,
  truststoreNothingExportable: (env: string, n: number) =>
    `Environment (${env}) returned ${n} truststore certificate(s) but none carried exportable material!`,
  keystoreExists: (name: string) =>
    `Keystore (name: ${name}) is already exist! Try update operation if want to change its value.`,
  keystoreNotFound: (name: string) => `Keystore (name: ${name}) is not found!`,
  jwkNotFound: (name: string) => `JWK (name: ${name}) is not found!`,
  jwkNameEmpty: 'JWK name can not be empty!',
  // Apinizer's keystore text, for JWKs too: no JWK duplicate text is documented.
  jwkExists: (name: string) =>
    `JWK (name: ${name}) is already exist! Try update operation if want to change its value.`,

  emptyKey: 'Empty Key! Client must be authenticated to access this resource.',
  tokenInvalid: 'Token is not valid!',
  tokenExpired: 'Token was expired!',
  badCredentials: 'Bad credentials',
  grantType: 'GrantType value must be client_credentials!',
  unexpected: 'An unexpected error occurred',
  tooManyAttempts: 'Too many failed logins! Try again later.',

  // Ours (A12 and the wire rules), in the same style.
  fileTooLarge: 'Uploaded file is too large!',
  valueTooLong: (field: string, max: number) => `${field} value can not be longer than ${max} characters!`,
  fieldTooLong: (field: string) => `${field} value is too long!`,
  nulCharacter: 'Request values can not contain NUL characters!',
  notMultipart: 'The request body is not a valid multipart/form-data message!',
  tooManyParts: 'The request holds too many form fields or files!',
  badJsonField: 'A form field sent as application/json does not hold valid JSON!',
  unsupportedMediaType: (type: string) => `Content-Type (${type}) is not supported by this operation!`,
  badBody: 'The request body can not be read!',
  bodyTooLarge: 'Request body is too large!',
  noRoute: (method: string, path: string) => `No API Ops operation is found for ${method} ${path}!`,
  badOption: (name: string, allowed: readonly string[]) => `${name} value must be one of ${allowed.join(', ')}!`,

  // Ours for the archives an import reads (zip-read.ts).
  archiveInvalid: 'The uploaded archive is not a valid ZIP file!',
  archiveTooManyEntries: (max: number) => `The uploaded archive holds more than ${max} entries!`,
  archiveTooLarge: 'The uploaded archive expands beyond the allowed size!',
  archiveUnsafePath: (path: string) => `Archive entry (${path}) points outside the archive!`,
  archiveDuplicate: (path: string) => `Archive entry (${path}) appears more than once!`,
  archiveEncrypted: 'Encrypted archives can not be imported!',
  archiveMethod: (path: string) => `Archive entry (${path}) is compressed with an unsupported method!`,
  archiveSameEnvironment: (env: string) => `More than one archive entry maps to environment (${env})!`,
  badMapping: 'environmentMapping value must be a JSON object of environment names!',
  truststoreAdminOnly: 'Truststore can only be queried in the admin project!',

  // Ours for keystores and their packages (§3.10), in the same style.
  keystoreNameEmpty: 'Keystore name can not be empty!',
  jwkNameChanged: 'JWK name can not be changed!',
  keystoreNameChanged: 'Keystore name can not be changed!',
  notString: (field: string) => `${field} value must be a text!`,
  notList: (field: string) => `${field} value must be a list!`,
  badBase64: (env: string) => `file value of environment (${env}) is not valid base64!`,
  jsonBodyRequired: 'The request body must be a JSON object!',
  passphraseMissing: 'X-Apinizer-Package-Passphrase header value can not be empty!',
  passphraseShort: (min: number) => `X-Apinizer-Package-Passphrase header value must have at least ${min} characters!`,
  packageEncrypted: 'This package is encrypted! Send its passphrase in the X-Apinizer-Package-Passphrase header.',
  packageWrongPassphrase: 'The package can not be decrypted with the given passphrase!',
  packageUnsupported: 'The package asks for a key derivation this server does not run!',
  notPackage: 'The uploaded file is not a keystore package!',
  packageVersion: (v: string) => `Keystore package version (${v}) is not supported!`,
  packageDamaged: (file: string) => `The keystore package is damaged: file (${file}) does not match its checksum!`,
  packagePassword: (env: string) =>
    `Keystore package holds no password for environment (${env})! Send it in password or keyStorePasswords.`,
  badPasswords: 'keyStorePasswords value must be a JSON object of environment names and passwords!',
  keystoreNoFile: (name: string, env: string) => `Keystore (name: ${name}) has no file for environment (${env})!`,
  notOneKeystoreFile:
    'keystores/import-file/ takes one JKS or PKCS12 file; import a keystore package with keystores/import/!',
} as const;
