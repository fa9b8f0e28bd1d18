import type { EntityKind, KindServices } from '../core-types.js';
import type { Doc } from '../store.js';
import { invalidField, randomExternalCode, referencingDocs, refIdOf, setDefault } from './kind-helpers.js';

/**
 * `pathName` of an object inside `folderId`: the chain of folder names from the root.
 * The separator for nested groups is unconfirmed; "/" is used.
 */
export function folderPath(folderId: string | undefined, services: KindServices): string {
  const names: string[] = [];
  const seen = new Set<string>();
  let current = folderId ? services.store.get('productfolder', folderId) : undefined;
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    names.unshift(String(current.name));
    const parent = refIdOf(current.productFolder, 'productfolder');
    current = parent ? services.store.get('productfolder', parent) : undefined;
  }
  return names.join('/');
}

function checkParent(doc: Doc, services: KindServices): void {
  const parentId = refIdOf(doc.productFolder, 'productfolder');
  if (doc.productFolder === undefined) return;
  if (!parentId || !services.store.get('productfolder', parentId)) throw invalidField('productFolder', 'группа не найдена');
  // Walking up from the parent must never reach this folder again.
  let cursor: string | undefined = parentId;
  const seen = new Set<string>();
  while (cursor && !seen.has(cursor)) {
    if (cursor === doc.id) throw invalidField('productFolder', 'группа не может быть вложена сама в себя');
    seen.add(cursor);
    cursor = refIdOf(services.store.get('productfolder', cursor)?.productFolder, 'productfolder');
  }
}

export const productFolderKind: EntityKind = {
  type: 'productfolder',
  required: ['name'],
  readOnly: ['pathName', 'archived'],
  supportsSyncId: false,
  searchFields: ['name', 'code'],
  onCreate(doc, services) {
    setDefault(doc, 'externalCode', randomExternalCode());
    setDefault(doc, 'archived', false);
    checkParent(doc, services);
  },
  onUpdate(_prev, next, services) {
    checkParent(next, services);
  },
  // What the real service does with the products of a deleted group is unconfirmed. The emulator
  // refuses (409/1028) while products or subgroups are inside, so callers must handle that answer.
  blockers(id, services) {
    return referencingDocs(services, ['product', 'productfolder'], (doc) => refIdOf(doc.productFolder, 'productfolder') === id);
  },
  present(doc, services) {
    return { ...doc, pathName: folderPath(refIdOf(doc.productFolder, 'productfolder'), services) };
  },
};
