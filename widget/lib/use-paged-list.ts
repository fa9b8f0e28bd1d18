import { useState } from 'preact/hooks';
import { useAction, type Action } from './use-action.js';

type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * A newest-first list whose first page comes with the card (and is replaced when the card refreshes) and whose
 * later pages the user asks for. Items are unique by id: one may shift between pages when a new one arrives.
 */
export function usePagedList<T extends { id: string }>(
  firstPage: T[],
  firstCursor: string | null,
  loadPage: (cursor: string) => Promise<Page<T>>,
): { items: T[]; cursor: string | null; more(): Promise<T | undefined>; action: Action } {
  const [later, setLater] = useState<{ items: T[]; cursor: string | null } | null>(null);
  const action = useAction();
  const known = new Set(firstPage.map((item) => item.id));
  const items = [...firstPage, ...(later?.items ?? []).filter((item) => !known.has(item.id))];
  const cursor = later ? later.cursor : firstCursor;
  const more = () =>
    action.run(async () => {
      if (!cursor) return undefined;
      const page = await loadPage(cursor);
      const seen = new Set(items.map((item) => item.id));
      const fresh = page.items.filter((item) => !seen.has(item.id));
      setLater({ items: [...(later?.items ?? []), ...fresh], cursor: page.nextCursor });
      return fresh[0];
    });
  return { items, cursor, more, action };
}
