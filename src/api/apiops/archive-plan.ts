import type { MemberImport } from '../../keystore/group-import.js';
import type { EnvironmentMapping } from './environment-mapping.js';
import { badRequest } from './errors.js';
import { text } from './messages.js';
import { safeFileNamePart } from './safe-name.js';
import type { ZipFile } from './zip-read.js';

export interface ArchivePlan {
  members: MemberImport[];
  /** §3.7 `unresolvedReferences`: what was left aside, and why, in the order of the archive. */
  unresolved: string[];
  /** Entries that named an environment of the certificate, imported or deliberately left out. */
  named: number;
}

/**
 * Reads the export ZIP of §3.6 back: `{certificateName}-{environmentName}.cer` per environment, where both
 * names were made safe for an entry name. Entries of another certificate, or of no certificate, are
 * reported and skipped; the mapping renames or leaves out environments.
 */
export function planArchive(
  certificateName: string,
  files: readonly ZipFile[],
  mapping: EnvironmentMapping,
  projectEnvironments: readonly string[],
): ArchivePlan {
  const prefixes = [...new Set([certificateName, safeFileNamePart(certificateName)])].map((p) => `${p}-`);
  const plan: ArchivePlan = { members: [], unresolved: [], named: 0 };
  const targets = new Set<string>();
  for (const f of files) {
    const stem = f.baseName.toLowerCase().endsWith('.cer') ? f.baseName.slice(0, -4) : undefined;
    const prefix = stem === undefined ? undefined : prefixes.find((p) => stem.startsWith(p) && stem.length > p.length);
    if (stem === undefined || prefix === undefined) {
      plan.unresolved.push(text.entryNotNamingEnvironment(f.path, certificateName));
      continue;
    }
    plan.named++;
    const source = stem.slice(prefix.length);
    const mapped = mapping.target(source);
    if (mapped?.to === '') {
      plan.unresolved.push(text.mappedOut(mapped.key));
      continue;
    }
    const target = mapped?.to ?? projectEnvironment(source, projectEnvironments);
    if (targets.has(target)) throw badRequest(text.archiveSameEnvironment(target));
    targets.add(target);
    plan.members.push({ environment: target, material: f.data });
  }
  return plan;
}

/**
 * The project's environment an entry names: the same name, else the one name that was made safe into it
 * (`eu/west` was written as `eu_west`). Unknown names are kept, and the import reports them as not found.
 */
function projectEnvironment(source: string, environments: readonly string[]): string {
  if (environments.includes(source)) return source;
  const safe = environments.filter((e) => safeFileNamePart(e) === source);
  return safe.length === 1 ? safe[0]! : source;
}
