import { resolve } from 'node:path';

/** Everything the server reads from its environment, in one typed object. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  adminUser: string;
  adminPassword: string | undefined;
  /** Base64 or hex of 32 bytes; otherwise a key file in dataDir is used (created on first start). */
  masterKey: string | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  logLevel: string;
  /** How long a CSRF token stays valid. */
  csrfTtlMs: number;
  /** How long an access token from a token endpoint stays valid. */
  accessTokenTtlSeconds: number;
  /** Largest request body any route takes; routes set tighter limits of their own. */
  maxBodyBytes: number;
  /** Largest keystore file (KeystoreResources, Apinizer keystores). */
  maxKeystoreBytes: number;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not '${raw}'`);
  return n;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    host: env.HOST ?? '127.0.0.1',
    port: int(env, 'PORT', 8080),
    dataDir: resolve(env.OPENKEYSTORE_DATA_DIR ?? './data'),
    databaseUrl: env.OPENKEYSTORE_DATABASE_URL || undefined,
    adminUser: env.OPENKEYSTORE_ADMIN_USER || 'admin',
    adminPassword: env.OPENKEYSTORE_ADMIN_PASSWORD || undefined,
    masterKey: env.OPENKEYSTORE_MASTER_KEY || undefined,
    tlsCert: env.OPENKEYSTORE_TLS_CERT || undefined,
    tlsKey: env.OPENKEYSTORE_TLS_KEY || undefined,
    logLevel: env.OPENKEYSTORE_LOG_LEVEL ?? 'info',
    csrfTtlMs: int(env, 'OPENKEYSTORE_CSRF_TTL_SECONDS', 24 * 3600) * 1000,
    accessTokenTtlSeconds: int(env, 'OPENKEYSTORE_TOKEN_TTL_SECONDS', 43199),
    maxBodyBytes: int(env, 'OPENKEYSTORE_MAX_BODY_BYTES', 25 * 1024 * 1024),
    maxKeystoreBytes: int(env, 'OPENKEYSTORE_MAX_KEYSTORE_BYTES', 6 * 1024 * 1024),
    ...overrides,
  };
  if (config.port > 65535) throw new Error(`PORT must be at most 65535, not ${config.port}`);
  return config;
}
