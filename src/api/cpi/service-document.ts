import { entitySets } from './edm.js';
import { xmlText } from './xml.js';

/** §3.1: the service document names every entity set of the EDMX, in its order. */
export const SERVICE_XML_TYPE = 'application/atomsvc+xml;charset=utf-8';

export function serviceDocumentXml(base: string): string {
  const collections = entitySets
    .map((s) => `<collection href="${s.name}"><atom:title>${s.name}</atom:title></collection>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<service xml:base="${xmlText(`${base}/`)}" xmlns="http://www.w3.org/2007/app" xmlns:atom="http://www.w3.org/2005/Atom">` +
    `<workspace><atom:title>Default</atom:title>${collections}</workspace></service>`
  );
}

export function serviceDocumentJson(): string {
  return JSON.stringify({ d: { EntitySets: entitySets.map((s) => s.name) } });
}
