import type { Dialect } from './dialect.js';

/**
 * A backup is gzip'd JSON lines, written and read as a stream so that a store of any size needs little memory:
 *
 *   {"format":"openkeystore-backup","version":1,"migrations":[…],"dialect":"sqlite","createdAt":"…"}
 *   {"table":"projects","columns":["id","name",…]}
 *   [1,"default",…]                      one line per row, values in the order of `columns`
 *   …                                    every table in turn
 *   {"end":true,"rows":{"projects":1,…}}  present only when the backup was written to the end
 *
 * Byte columns are {"b64":"…"} (the only objects a row holds), so bytes come back exactly; numbers are JSON
 * numbers (every integer in the store is below 2^53). Nothing in it depends on the dialect it came from.
 */
export const BACKUP_FORMAT = 'openkeystore-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The schema level of the store it was taken from: the migrations applied to it, in order. */
  migrations: string[];
  dialect: Dialect;
  createdAt: string;
}

export interface TableStart {
  table: string;
  columns: string[];
}

export interface BackupEnd {
  end: true;
  /** Rows per table, to prove on restore that nothing was cut off. */
  rows: Record<string, number>;
}

export type Cell = string | number | boolean | null | Buffer;

export class BackupFormatError extends Error {
  override readonly name = 'BackupFormatError';
}

export function encodeRow(values: unknown[]): string {
  return JSON.stringify(values.map(encodeCell));
}

function encodeCell(v: unknown): unknown {
  if (v instanceof Uint8Array) return { b64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (typeof v === 'bigint') return Number(v);
  return v;
}

export type Line =
  | { kind: 'table'; start: TableStart }
  | { kind: 'row'; cells: Cell[] }
  | { kind: 'end'; end: BackupEnd };

/** One line after the header, checked for shape; `lineNo` is for the message when it is not what it should be. */
export function parseLine(text: string, lineNo: number): Line {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BackupFormatError(`line ${lineNo} of the backup is not JSON`);
  }
  if (Array.isArray(v)) return { kind: 'row', cells: v.map((c) => decodeCell(c, lineNo)) };
  if (isObject(v) && typeof v.table === 'string' && isStringArray(v.columns))
    return { kind: 'table', start: { table: v.table, columns: v.columns } };
  if (isObject(v) && v.end === true && isObject(v.rows)) return { kind: 'end', end: v as unknown as BackupEnd };
  throw new BackupFormatError(`line ${lineNo} of the backup is neither a table, a row nor the end`);
}

function decodeCell(c: unknown, lineNo: number): Cell {
  if (c === null || typeof c === 'string' || typeof c === 'number' || typeof c === 'boolean') return c;
  if (isObject(c) && typeof c.b64 === 'string') return Buffer.from(c.b64, 'base64');
  throw new BackupFormatError(`line ${lineNo} of the backup holds a value of unknown kind`);
}

export function parseHeader(text: string | undefined): BackupHeader {
  let v: unknown;
  try {
    v = text === undefined ? undefined : JSON.parse(text);
  } catch {
    /* reported below */
  }
  if (!isObject(v) || v.format !== BACKUP_FORMAT)
    throw new BackupFormatError('this is not an openkeystore backup (no header line)');
  if (v.version !== BACKUP_VERSION)
    throw new BackupFormatError(
      `the backup has format version ${String(v.version)}; this openkeystore reads version ${BACKUP_VERSION}`,
    );
  if (!isStringArray(v.migrations) || (v.dialect !== 'sqlite' && v.dialect !== 'postgres'))
    throw new BackupFormatError('the backup header lacks its schema level');
  return v as unknown as BackupHeader;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
