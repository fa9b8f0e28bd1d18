import type { EmulatorCore } from './core.js';

type Fields = Record<string, unknown>;
type Presented = Record<string, unknown>;

/**
 * Acts like a person in the МойСклад web UI: each call is one audit context (source `online` — the
 * real value for UI edits is unconfirmed) and fires webhooks. Errors are thrown as ApiError, exactly
 * as the API would answer. Results are API-shaped objects with absolute hrefs.
 */
export class UiActions {
  constructor(
    private readonly core: EmulatorCore,
    private readonly uid: () => string,
    private readonly output: (type: string, id: string) => Presented,
  ) {}

  private create(type: string, fields: Fields): Presented {
    const doc = this.core.transact({ uid: this.uid(), source: 'online' }, (changes) => this.core.entities.create(type, fields, changes).doc);
    return this.output(type, doc.id);
  }

  private update(type: string, id: string, patch: Fields): Presented {
    this.core.transact({ uid: this.uid(), source: 'online' }, (changes) => this.core.entities.update(type, id, patch, changes));
    return this.output(type, id);
  }

  private remove(type: string, id: string): void {
    this.core.transact({ uid: this.uid(), source: 'online' }, (changes) => this.core.entities.remove(type, id, changes));
  }

  createCounterparty(fields: Fields): Presented { return this.create('counterparty', fields); }
  updateCounterparty(id: string, patch: Fields): Presented { return this.update('counterparty', id, patch); }
  deleteCounterparty(id: string): void { this.remove('counterparty', id); }

  createProduct(fields: Fields): Presented { return this.create('product', fields); }
  updateProduct(id: string, patch: Fields): Presented { return this.update('product', id, patch); }
  deleteProduct(id: string): void { this.remove('product', id); }
  archiveProduct(id: string, archived = true): Presented { return this.update('product', id, { archived }); }

  createProductFolder(fields: Fields): Presented { return this.create('productfolder', fields); }
  updateProductFolder(id: string, patch: Fields): Presented { return this.update('productfolder', id, patch); }
  deleteProductFolder(id: string): void { this.remove('productfolder', id); }

  createBonusProgram(fields: Fields): Presented { return this.create('bonusprogram', fields); }
  updateBonusProgram(id: string, patch: Fields): Presented { return this.update('bonusprogram', id, patch); }
}
