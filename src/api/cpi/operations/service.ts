import type { Operation } from '../call.js';
import { JSON_TYPE } from '../json-writer.js';
import { METADATA_XML } from '../metadata-xml.js';
import { SERVICE_XML_TYPE, serviceDocumentJson, serviceDocumentXml } from '../service-document.js';

/** `GET /` of the service root: the entity sets (§3.1); clients also use it to fetch a CSRF token. */
export const serviceDocument: Operation = {
  prepare: () => undefined,
  async handle(call) {
    if (call.format === 'json') return { status: 200, type: JSON_TYPE, body: serviceDocumentJson() };
    return { status: 200, type: SERVICE_XML_TYPE, body: serviceDocumentXml(call.base) };
  },
};

/** D14: EDMX whatever `$format` says; V2 has no JSON metadata. */
export const metadata: Operation = {
  prepare: () => undefined,
  async handle() {
    return { status: 200, type: 'application/xml;charset=utf-8', body: METADATA_XML };
  },
};
