import type { Meta, MetaRef } from './types.js';

/** Builds `meta` objects exactly as the JSON API shows them, rooted at the configured base URL. */
export class MetaFactory {
  private readonly base: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  entity(type: string, id: string): Meta {
    return {
      href: `${this.base}/entity/${type}/${id}`,
      metadataHref: `${this.base}/entity/${type}/metadata`,
      type,
      mediaType: 'application/json',
    };
  }

  ref(type: string, id: string): MetaRef {
    return { meta: this.entity(type, id) };
  }

  /** Price types live under company settings, not under /entity. */
  priceType(id: string): Meta {
    return {
      href: `${this.base}/context/companysettings/pricetype/${id}`,
      type: 'pricetype',
      mediaType: 'application/json',
    };
  }

  position(documentType: string, documentId: string, positionId: string): Meta {
    return {
      href: `${this.base}/entity/${documentType}/${documentId}/positions/${positionId}`,
      type: 'demandposition',
      mediaType: 'application/json',
    };
  }

  positionsCollection(documentType: string, documentId: string, size: number): Meta & {
    size: number;
    limit: number;
    offset: number;
  } {
    return {
      href: `${this.base}/entity/${documentType}/${documentId}/positions`,
      type: 'demandposition',
      mediaType: 'application/json',
      size,
      limit: 1000,
      offset: 0,
    };
  }
}
