import { z } from 'zod';
import type { AmoClient } from '../amocrm/client.js';
import { AmoError } from '../amocrm/errors.js';
import type { NestedNode } from '../amocrm/resources/catalogs.js';
import type { CatalogFieldIds, ProductsCatalog } from '../db/repositories/account-sync.js';
import type { RuleContext } from './rule-context.js';

export type { ProductsCatalog };

const FIELD_CODES = ['SKU', 'DESCRIPTION', 'PRICE', 'GROUP', 'EXTERNAL_ID'] as const;

/**
 * Finds the account's products catalog and its preset fields by code (ids differ per account). The field listing
 * carries the GROUP field's tree too: it is kept, so the first products need no read of their own.
 */
export async function discoverProductsCatalog(amo: AmoClient): Promise<(ProductsCatalog & { groupTreeJson: string | null }) | null> {
  const catalog = await amo.catalogs.findProductsCatalog();
  if (!catalog) return null;
  const fields = await amo.catalogs.fieldsByCode(catalog.id);
  const fieldIds: CatalogFieldIds = {};
  for (const code of FIELD_CODES) {
    const field = fields.get(code);
    if (field) fieldIds[code] = field.id;
  }
  const nested = fields.get('GROUP')?.nested;
  const tree: Tree | null = nested ? nested.map((node) => ({ id: node.id, parent_id: node.parent_id ?? null, value: node.value })) : null;
  return { catalogId: catalog.id, fieldIds, groupTreeJson: tree ? JSON.stringify(tree) : null };
}

/** Stores a discovered catalog (and its GROUP tree) as the account's. */
export async function rememberCatalog(ctx: Pick<RuleContext, 'accountId' | 'state'>, found: Awaited<ReturnType<typeof discoverProductsCatalog>>): Promise<void> {
  await ctx.state.saveCatalog(ctx.accountId, found && { catalogId: found.catalogId, fieldIds: found.fieldIds });
  if (found?.groupTreeJson) await ctx.state.saveGroupTree(ctx.accountId, found.groupTreeJson);
}

const treeSchema = z.array(z.object({ id: z.number().int(), parent_id: z.number().int().nullable(), value: z.string() }));
type Tree = z.infer<typeof treeSchema>;

const pathKey = (path: readonly string[]) => path.join('\u0000');

function resolve(tree: Tree, path: readonly string[]): number | null {
  let parent: number | null = null;
  for (const value of path) {
    const node = tree.find((candidate) => candidate.value === value && candidate.parent_id === parent);
    if (!node) return null;
    parent = node.id;
  }
  return parent;
}

/**
 * The products catalog's GROUP field holds the folder tree (a category field). Its nodes are cached per account
 * (`account_sync.group_tree_json`) and amoCRM is asked only when a path is missing from the cache: then the field
 * is read once (someone may have added the node meanwhile), every still-missing path of the batch is added in ONE
 * write of the whole tree, and the tree is read back for the new node ids. Before, the field was read per product.
 */
export async function groupIdsFor(ctx: RuleContext, catalog: ProductsCatalog, paths: readonly (readonly string[])[]): Promise<Map<string, number>> {
  const fieldId = catalog.fieldIds.GROUP;
  const wanted = paths.filter((path) => path.length > 0);
  const ids = new Map<string, number>();
  if (fieldId === undefined || wanted.length === 0) return ids;
  const state = await ctx.state.get(ctx.accountId);
  const missingIn = (tree: Tree) => wanted.filter((path) => resolve(tree, path) === null);
  let tree = parseTree(state.groupTreeJson);
  if (tree === null || missingIn(tree).length > 0) {
    tree = await readTree(ctx, catalog.catalogId, fieldId);
    const absent = missingIn(tree);
    if (absent.length > 0) {
      ctx.signal?.throwIfAborted();
      await ctx.amo.catalogs.writeCategoryTree(catalog.catalogId, fieldId, withAdditions(tree, absent));
      tree = await readTree(ctx, catalog.catalogId, fieldId);
      const still = missingIn(tree);
      if (still.length > 0) throw new AmoError(`category "${still[0]!.join(' / ')}" missing after the GROUP field was updated`);
    }
    await ctx.state.saveGroupTree(ctx.accountId, JSON.stringify(tree));
  }
  for (const path of wanted) ids.set(pathKey(path), resolve(tree, path)!);
  return ids;
}

export { pathKey as groupPathKey };

/** Forgets the cached tree (a write was refused: someone changed the field in amoCRM's UI). */
export async function forgetGroupTree(ctx: RuleContext): Promise<void> {
  await ctx.state.saveGroupTree(ctx.accountId, null);
}

function parseTree(json: string | null): Tree | null {
  if (!json) return null;
  try {
    const parsed = treeSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function readTree(ctx: RuleContext, catalogId: number, fieldId: number): Promise<Tree> {
  const field = await ctx.amo.catalogs.getField(catalogId, fieldId);
  return (field.nested ?? []).map((node) => ({ id: node.id, parent_id: node.parent_id ?? null, value: node.value }));
}

/** The whole tree (existing nodes by id) plus the nodes of `paths` that are missing, chained by request ids. */
function withAdditions(tree: Tree, paths: readonly (readonly string[])[]): NestedNode[] {
  const nested: NestedNode[] = tree.map((node) => ({ id: node.id, parent_id: node.parent_id, value: node.value }));
  const added = new Map<string, string>(); // path prefix key → request_id of the node we add for it
  for (const path of paths) {
    let parentId: number | null = null;
    let parentRequest: string | null = null;
    for (let depth = 0; depth < path.length; depth += 1) {
      const prefix = pathKey(path.slice(0, depth + 1));
      const existing = parentRequest === null ? tree.find((node) => node.value === path[depth] && node.parent_id === parentId) : undefined;
      if (existing) {
        parentId = existing.id;
        continue;
      }
      let requestId = added.get(prefix);
      if (!requestId) {
        requestId = `group-${added.size}`;
        added.set(prefix, requestId);
        nested.push({ value: path[depth]!, request_id: requestId, ...(parentRequest === null ? { parent_id: parentId } : { parent_request_id: parentRequest }) });
      }
      parentRequest = requestId;
    }
  }
  return nested;
}
