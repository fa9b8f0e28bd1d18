import type { EntityKind } from '../core-types.js';
import { bonusProgramKind } from './bonusprogram.js';
import { bonusTransactionKind } from './bonustransaction.js';
import { counterpartyKind } from './counterparty.js';
import { productKind } from './product.js';
import { productFolderKind } from './productfolder.js';
import { retailDemandKind, retailSalesReturnKind } from './retail-documents.js';
import { variantKind } from './variant.js';

/** Entity types served under /entity/{type} with the generic CRUD routes. */
export const ENTITY_KINDS: ReadonlyMap<string, EntityKind> = new Map(
  [counterpartyKind, productKind, productFolderKind, variantKind, retailDemandKind, retailSalesReturnKind, bonusProgramKind, bonusTransactionKind].map(
    (kind) => [kind.type, kind],
  ),
);
