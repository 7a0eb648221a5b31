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
  /** The whole request (headers and body) must arrive within this time: slow senders can't hold sockets. */
  requestTimeoutMs: number;
  /** A socket with no traffic at all for this long is closed. */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is kept this long; above the usual 60 s of load balancers in front. */
  keepAliveTimeoutMs: number;
  /** Failed logins per client address and user name within loginWindowMs before 429; 0 turns the limit off. */
  loginFailureLimit: number;
  loginWindowMs: number;
  /** SQLite only: NORMAL keeps every acknowledged write through a process crash, FULL also through power loss. */
  sqliteSync: 'NORMAL' | 'FULL';
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not '${raw}'`);
  return n;
}

function sqliteSync(raw: string | undefined): 'NORMAL' | 'FULL' {
  const v = (raw ?? '').toUpperCase();
  if (v === '' || v === 'NORMAL') return 'NORMAL';
  if (v === 'FULL') return 'FULL';
  throw new Error(`OPENKEYSTORE_SQLITE_SYNCHRONOUS must be NORMAL or FULL, not '${raw}'`);
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
    requestTimeoutMs: int(env, 'OPENKEYSTORE_REQUEST_TIMEOUT_SECONDS', 60) * 1000,
    connectionTimeoutMs: int(env, 'OPENKEYSTORE_CONNECTION_TIMEOUT_SECONDS', 120) * 1000,
    keepAliveTimeoutMs: int(env, 'OPENKEYSTORE_KEEP_ALIVE_TIMEOUT_SECONDS', 72) * 1000,
    loginFailureLimit: int(env, 'OPENKEYSTORE_LOGIN_FAILURES', 10),
    loginWindowMs: int(env, 'OPENKEYSTORE_LOGIN_WINDOW_SECONDS', 60) * 1000,
    sqliteSync: sqliteSync(env.OPENKEYSTORE_SQLITE_SYNCHRONOUS),
    ...overrides,
  };
  if (config.port > 65535) throw new Error(`PORT must be at most 65535, not ${config.port}`);
  if (config.loginWindowMs === 0 && config.loginFailureLimit > 0)
    throw new Error('OPENKEYSTORE_LOGIN_WINDOW_SECONDS must be at least 1 while OPENKEYSTORE_LOGIN_FAILURES is set');
  return config;
}
