import { CATALOG, type FolderSpec, type ProductTemplate } from './catalog-tree.js';
import type { MetaFactory } from './meta.js';
import type { Rng } from './prng.js';
import { priceTypePercent, RETAIL_PRICE_TYPE_NAME } from './references.js';
import type { SeedPriceType, SeedProduct, SeedProductFolder, SeedReferences } from './types.js';

interface FolderContext {
  accountId: string;
  meta: MetaFactory;
  folderDepth: number;
  updated: string;
}

interface LeafFolder {
  folder: SeedProductFolder;
  fullPath: string;
  template: ProductTemplate;
}

/**
 * Flattens the catalog outline into productfolder entities (parents before children) and returns the
 * folders that receive products: the leaves of the tree cut at `folderDepth`.
 */
export function generateFolders(rng: Rng, ctx: FolderContext): { folders: SeedProductFolder[]; leaves: LeafFolder[] } {
  const folders: SeedProductFolder[] = [];
  const leaves: LeafFolder[] = [];

  const visit = (spec: FolderSpec, parent: SeedProductFolder | undefined, parentPath: string, depth: number) => {
    const id = rng.uuid();
    const folder: SeedProductFolder = {
      meta: ctx.meta.entity('productfolder', id),
      id,
      accountId: ctx.accountId,
      updated: ctx.updated,
      name: spec.name,
      externalCode: rng.token(22),
      archived: false,
      // The real API puts the PARENT's path here; the "/" joiner for deeper levels is unconfirmed.
      pathName: parentPath,
      ...(parent ? { productFolder: { meta: parent.meta } } : {}),
    };
    folders.push(folder);
    const fullPath = parentPath ? `${parentPath}/${spec.name}` : spec.name;
    const children = depth < ctx.folderDepth ? (spec.children ?? []) : [];
    if (children.length === 0) leaves.push({ folder, fullPath, template: spec.template });
    for (const child of children) visit(child, folder, fullPath, depth + 1);
  };

  for (const root of CATALOG) visit(root, undefined, '', 1);
  return { folders, leaves };
}

/** A shelf price in kopecks: whole roubles ending in 90, and now and then a "…,99" price to exercise kopecks. */
function shelfPriceKopecks(rng: Rng, [min, max]: readonly [number, number]): number {
  const roubles = Math.max(10, Math.round(rng.int(min, max) / 10) * 10 - 10);
  return rng.chance(0.2) ? roubles * 100 - 1 : roubles * 100;
}

interface ProductContext extends FolderContext {
  references: SeedReferences;
  priceTypes: SeedPriceType[];
}

export function generateProducts(rng: Rng, count: number, leaves: LeafFolder[], ctx: ProductContext): SeedProduct[] {
  if (leaves.length === 0) throw new Error('generateProducts: the catalog has no folders');
  const currency = { meta: ctx.references.currency.meta };
  const usedNames = new Map<string, number>();
  const products: SeedProduct[] = [];

  for (let i = 0; i < count; i += 1) {
    // Every group gets at least one product before groups are picked at random.
    const leaf = i < leaves.length ? (leaves[i] as LeafFolder) : rng.pick(leaves);
    const id = rng.uuid();
    const retail = shelfPriceKopecks(rng, leaf.template.priceRoubles);
    let name = leaf.template.name(rng);
    const seen = usedNames.get(name) ?? 0;
    usedNames.set(name, seen + 1);
    if (seen > 0) name = `${name} (${seen + 1})`;
    const code = String(i + 1).padStart(5, '0');

    products.push({
      meta: ctx.meta.entity('product', id),
      id,
      accountId: ctx.accountId,
      updated: ctx.updated,
      name,
      description: leaf.template.description(rng),
      code,
      externalCode: rng.token(22),
      archived: false,
      article: `${leaf.template.code}-${code}`,
      pathName: leaf.fullPath,
      productFolder: { meta: leaf.folder.meta },
      salePrices: ctx.priceTypes.map((priceType) => ({
        // Integer division keeps every price in whole kopecks.
        value: Math.floor((retail * priceTypePercent(priceType.name)) / 100),
        currency,
        priceType,
      })),
      buyPrice: { value: Math.floor((retail * 60) / 100), currency },
    });
  }
  return products;
}

/** The retail («Цена продажи») price of a product in kopecks — what the till charges. */
export function retailPriceKopecks(product: SeedProduct): number {
  const price = product.salePrices.find((p) => p.priceType.name === RETAIL_PRICE_TYPE_NAME) ?? product.salePrices[0];
  if (!price) throw new Error(`Product ${product.id} has no sale price`);
  return price.value;
}
