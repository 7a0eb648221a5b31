import { badRequest } from './errors.js';
import { text } from './messages.js';
import { isZip, readZip, type ZipLimits } from './zip-read.js';

/** One file of an uploaded truststore bundle: the name it gives a certificate, and its bytes. */
export interface BundleFile {
  /** The file name without its extension. */
  stem: string;
  data: Buffer;
}

/**
 * §3.8 import: a ZIP of certificate files or a single one. Folders, and the traces archivers leave
 * (`__MACOSX/`, `.DS_Store` and other dot files), are not certificates of anyone's, so they are passed over.
 */
export function readBundle(upload: { fileName: string; data: Buffer }, limits: ZipLimits): BundleFile[] {
  if (!isZip(upload.data)) return [{ stem: stemOf(upload.fileName) || 'certificate', data: upload.data }];
  const files = readZip(upload.data, limits).filter(
    (f) => !f.path.startsWith('__MACOSX/') && !f.baseName.startsWith('.'),
  );
  if (files.length === 0) throw badRequest(text.bundleEmpty);
  return files.map((f) => ({ stem: stemOf(f.baseName), data: f.data }));
}

/** `partner-root-ca.pem` → `partner-root-ca`; a name that is all extension (`.pem`) keeps it. */
function stemOf(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
