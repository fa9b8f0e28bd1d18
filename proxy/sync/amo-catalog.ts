import { z } from 'zod';
import type { AmoClient } from '../amocrm/client.js';
import { AmoError } from '../amocrm/errors.js';
import type { NestedNode } from '../amocrm/resources/catalogs.js';
import type { CatalogFieldIds, ProductsCatalog } from '../db/repositories/account-sync.js';
import type { CatalogElement } from '../amocrm/schemas/entities.js';
import { withLeases } from './leases.js';
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
    // One writer of the whole tree at a time (products of two jobs, the sweep removing empty nodes).
    tree = await withLeases(ctx, [GROUP_TREE_LEASE], async () => {
      let current = await readTree(ctx, catalog.catalogId, fieldId);
      const absent = missingIn(current);
      if (absent.length > 0) {
        const before = new Set(current.map((node) => node.id));
        ctx.signal?.throwIfAborted();
        await ctx.amo.catalogs.writeCategoryTree(catalog.catalogId, fieldId, withAdditions(current, absent));
        current = await readTree(ctx, catalog.catalogId, fieldId);
        const still = missingIn(current);
        if (still.length > 0) throw new AmoError(`category "${still[0]!.join(' / ')}" missing after the GROUP field was updated`);
        // The nodes this write made are ours: only such nodes are ever removed again (pruneGroupTree).
        const made = absent.flatMap((path) => path.map((_, depth) => resolve(current, path.slice(0, depth + 1))!)).filter((id) => !before.has(id));
        if (made.length > 0) await ctx.state.saveGroupOwnNodes(ctx.accountId, [...(await ctx.state.get(ctx.accountId)).groupOwnNodeIds, ...made]);
      }
      await ctx.state.saveGroupTree(ctx.accountId, JSON.stringify(current));
      return current;
    });
  }
  for (const path of wanted) ids.set(pathKey(path), resolve(tree, path)!);
  return ids;
}

/** Held while the GROUP tree is read and written whole, so two writers never drop each other's nodes. */
const GROUP_TREE_LEASE = 'catalog:group-tree';

/** The GROUP nodes elements point at (by `enum_id`; by name when a value carries none — then every such node). */
export function groupNodesInUse(catalog: ProductsCatalog, elements: Iterable<Pick<CatalogElement, 'custom_fields_values'>>): { ids: Set<number>; names: Set<string> } {
  const used = { ids: new Set<number>(), names: new Set<string>() };
  for (const element of elements) {
    const group = element.custom_fields_values?.find((field) => field.field_code === 'GROUP' || (catalog.fieldIds.GROUP !== undefined && field.field_id === catalog.fieldIds.GROUP));
    for (const value of group?.values ?? []) {
      if (typeof value.enum_id === 'number') used.ids.add(value.enum_id);
      else if (value.value !== undefined && value.value !== null) used.names.add(String(value.value));
    }
  }
  return used;
}

/**
 * Nodes to remove from a GROUP tree: nodes the sync made (`own`) that hold nothing — no element points at them or at
 * any node below them, and they are no longer the path of a МойСклад folder (`folderPaths`, when known: a renamed
 * folder leaves its old path behind). The shop's own nodes, and any node above one that is kept, stay. Without
 * `folderPaths` (null) the folders are not asked: the answer is then a superset, a cheap "anything to do at all?".
 */
function emptyOwnNodes(tree: Tree, own: ReadonlySet<number>, used: { ids: ReadonlySet<number>; names: ReadonlySet<string> }, folderPaths: readonly (readonly string[])[] | null): Set<number> {
  const folders = folderPaths === null ? null : new Set(folderPaths.flatMap((path) => path.map((_, depth) => pathKey(path.slice(0, depth + 1)))));
  const children = new Map<number | null, Tree>();
  for (const node of tree) children.set(node.parent_id, [...(children.get(node.parent_id) ?? []), node]);
  const remove = new Set<number>();
  const keep = (node: Tree[number], path: string[]): boolean => {
    const here = [...path, node.value];
    // Every child is visited (no short-circuit), so removable nodes deep in a kept branch are found too.
    const keptBelow = (children.get(node.id) ?? []).map((child) => keep(child, here)).some(Boolean);
    const kept = keptBelow || !own.has(node.id) || used.ids.has(node.id) || used.names.has(node.value) || (folders !== null && folders.has(pathKey(here)));
    if (!kept) remove.add(node.id);
    return kept;
  };
  for (const root of children.get(null) ?? []) keep(root, []);
  return remove;
}

/**
 * Removes the GROUP nodes the sync made that no longer hold anything (see `emptyOwnNodes`), in one write of the
 * whole tree read afresh under the tree's lease. `used` comes from a listing of every element (the catalog sweep
 * has one). Costs nothing when the cached tree has no candidate; else one МойСклад read of the folders, one read and
 * one write of the field. Returns how many nodes were removed.
 */
export async function pruneGroupTree(ctx: RuleContext, catalog: ProductsCatalog, used: { ids: ReadonlySet<number>; names: ReadonlySet<string> }, folderPaths: () => Promise<string[][]>): Promise<number> {
  const fieldId = catalog.fieldIds.GROUP;
  if (fieldId === undefined) return 0;
  const state = await ctx.state.get(ctx.accountId);
  const own = new Set(state.groupOwnNodeIds);
  const cached = parseTree(state.groupTreeJson);
  if (own.size === 0 || cached === null || emptyOwnNodes(cached, own, used, null).size === 0) return 0;
  const paths = await folderPaths();
  return withLeases(ctx, [GROUP_TREE_LEASE], async () => {
    const tree = await readTree(ctx, catalog.catalogId, fieldId);
    const remove = emptyOwnNodes(tree, own, used, paths);
    const present = new Set(tree.map((node) => node.id));
    const stillOwn = [...own].filter((id) => present.has(id) && !remove.has(id));
    if (remove.size > 0) {
      const kept = tree.filter((node) => !remove.has(node.id));
      ctx.signal?.throwIfAborted();
      await ctx.amo.catalogs.writeCategoryTree(catalog.catalogId, fieldId, kept.map((node) => ({ id: node.id, parent_id: node.parent_id, value: node.value })));
      await ctx.state.saveGroupTree(ctx.accountId, JSON.stringify(kept));
      await ctx.operationLog.append({ accountId: ctx.accountId, userId: null, kind: 'sync.group_nodes_removed', details: { nodes: tree.filter((node) => remove.has(node.id)).map((node) => ({ id: node.id, value: node.value })) } });
    } else {
      await ctx.state.saveGroupTree(ctx.accountId, JSON.stringify(tree));
    }
    if (stillOwn.length !== own.size) await ctx.state.saveGroupOwnNodes(ctx.accountId, stillOwn);
    return remove.size;
  });
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
