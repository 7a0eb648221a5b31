import { isKeystoreName, KEYSTORE_NAMES, type KeystoreName } from '../../keystore/model.js';
import { badRequest, CpiError } from './errors.js';

/** The query string as SAP's servlet container reads it: `+` is a space, each name may appear once. */
export function queryParams(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

export function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw badRequest(`The query option '${name}' must not be given more than once.`);
  return all[0];
}

export type Format = 'json' | 'atom';

const FORMATS: Record<string, Format> = {
  json: 'json',
  'application/json': 'json',
  atom: 'atom',
  xml: 'atom',
  'application/atom+xml': 'atom',
  'application/xml': 'atom',
};

/**
 * §1.3, D1: Atom unless `$format=json` or an Accept that names JSON; `$format` wins over Accept. A bad `$format`
 * still yields a format (for its own error answer) plus the error to give.
 */
export function negotiateFormat(
  params: URLSearchParams,
  accept: string | undefined,
): { format: Format; error?: CpiError } {
  const fromAccept: Format = accept?.toLowerCase().includes('application/json') ? 'json' : 'atom';
  const all = params.getAll('$format');
  if (all.length === 0) return { format: fromAccept };
  const asked = FORMATS[(all[0] ?? '').trim().toLowerCase()];
  if (all.length > 1)
    return {
      format: asked ?? fromAccept,
      error: badRequest("The query option '$format' must not be given more than once."),
    };
  if (!asked) return { format: fromAccept, error: badRequest(`The format '${all[0]}' is not supported.`) };
  return { format: asked };
}

/** The system query options an operation takes unless it names its own (D8). */
export const DEFAULT_QUERY_OPTIONS: readonly string[] = ['$format', '$select', '$top', '$skip', '$inlinecount'];

/** What a collection of entities takes: filtering, ordering and server paging besides the defaults. */
export const COLLECTION_QUERY_OPTIONS: readonly string[] = [
  ...DEFAULT_QUERY_OPTIONS,
  '$filter',
  '$orderby',
  '$skiptoken',
];

/** D8: an unknown or unserved system query option is named in a 501, so clients can retry without it. */
export function assertSupportedOptions(
  params: URLSearchParams,
  supported: readonly string[] = DEFAULT_QUERY_OPTIONS,
): void {
  for (const name of params.keys())
    if (name.startsWith('$') && !supported.includes(name))
      throw new CpiError(501, `The system query option '${name}' is not supported.`);
}

export interface CollectionOptions {
  /** Property and navigation names as given; undefined or `*` means all. */
  select: string[] | undefined;
  top: number | undefined;
  skip: number | undefined;
  inlineCount: boolean;
}

function wholeNumber(params: URLSearchParams, name: string): number | undefined {
  const raw = single(params, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,9}$/.test(raw.trim()))
    throw badRequest(`The value '${raw}' of the system query option '${name}' is not a whole number.`);
  return Number(raw.trim());
}

export function selectOption(params: URLSearchParams): string[] | undefined {
  const raw = single(params, '$select');
  if (raw === undefined) return undefined;
  const names = raw.split(',').map((s) => s.trim());
  if (names.some((n) => n === ''))
    throw badRequest(`The value '${raw}' of the system query option '$select' is not valid.`);
  return names.includes('*') ? undefined : names;
}

export function collectionOptions(params: URLSearchParams): CollectionOptions {
  const inline = single(params, '$inlinecount');
  if (inline !== undefined && inline !== 'allpages' && inline !== 'none')
    throw badRequest(
      `The value '${inline}' of the system query option '$inlinecount' is not valid; use 'allpages' or 'none'.`,
    );
  return {
    select: selectOption(params),
    top: wholeNumber(params, '$top'),
    skip: wholeNumber(params, '$skip'),
    inlineCount: inline === 'allpages',
  };
}

/** §1.4, D27: `true` or `false` in any case; omitted means the default. */
export function booleanOption(params: URLSearchParams, name: string, fallback = false): boolean {
  const raw = single(params, name);
  if (raw === undefined) return fallback;
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badRequest(`The value '${raw}' of the query option '${name}' is not valid; use 'true' or 'false'.`);
}

/** D21: every read takes all four keystore names; others get SAP's text. */
export function keystoreNameOption(
  params: URLSearchParams,
  allowed: readonly KeystoreName[] = KEYSTORE_NAMES,
): KeystoreName {
  const raw = single(params, 'keystoreName');
  if (raw === undefined) return 'system';
  if (!isKeystoreName(raw) || !allowed.includes(raw)) throw badRequest(`Keystore name '${raw}' is invalid.`);
  return raw;
}

/** The format of the entries a write returns: SAP answers them in JSON; Atom only when asked for by name. */
export function negotiateWriteFormat(params: URLSearchParams, accept: string | undefined): Format {
  const asked = FORMATS[(params.get('$format') ?? '').trim().toLowerCase()];
  if (asked) return asked;
  const a = accept?.toLowerCase() ?? '';
  return !a.includes('application/json') && /application\/(atom\+)?xml/.test(a) ? 'atom' : 'json';
}
