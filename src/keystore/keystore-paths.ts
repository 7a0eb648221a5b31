import type { KeystoreRef } from './model.js';

/** Keystores remembered; each is a few short strings, and a store has a handful of tenants. */
const MAX_PATHS = 10_000;
/** A bound on how long a path is trusted, should a later version ever rename or delete tenants. */
const TTL_MS = 5 * 60_000;

/**
 * The ids behind (project, environment, keystore) names, as every SAP request resolves them. Projects,
 * environments and keystores are never renamed or deleted while servers run (a `restore --force` asks for their
 * restart), so the ids of a name can't change under a server, whichever server made them: a found path may be
 * kept. A miss is never kept, so that a tenant made on another server is found at once.
 */
export class KeystorePaths {
  private readonly paths = new Map<string, { ref: KeystoreRef; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  // Names hold no NUL (the store can't hold one), so the key is unambiguous.
  private static key(project: string, environment: string, keystore: string): string {
    return `${project}\u0000${environment}\u0000${keystore}`;
  }

  get(project: string, environment: string, keystore: string): KeystoreRef | undefined {
    const key = KeystorePaths.key(project, environment, keystore);
    const hit = this.paths.get(key);
    if (!hit) return undefined;
    if (hit.until > this.now()) return { ...hit.ref };
    this.paths.delete(key);
    return undefined;
  }

  remember(ref: KeystoreRef): void {
    if (this.paths.size >= MAX_PATHS) this.paths.clear();
    this.paths.set(KeystorePaths.key(ref.project, ref.environment, ref.keystore), {
      ref: { ...ref },
      until: this.now() + TTL_MS,
    });
  }
}
