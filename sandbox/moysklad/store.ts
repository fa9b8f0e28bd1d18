/** A stored entity: plain МойСклад-shaped JSON with relative hrefs (see references.ts). */
export type Doc = Record<string, unknown> & { id: string };

/** The emulator's single in-memory state: one insertion-ordered table per entity type. */
export class EntityStore {
  private readonly tables = new Map<string, Map<string, Doc>>();

  private table(type: string): Map<string, Doc> {
    let table = this.tables.get(type);
    if (!table) {
      table = new Map();
      this.tables.set(type, table);
    }
    return table;
  }

  list(type: string): Doc[] {
    return [...this.table(type).values()];
  }

  get(type: string, id: string): Doc | undefined {
    return this.table(type).get(id);
  }

  put(type: string, doc: Doc): void {
    this.table(type).set(doc.id, doc);
  }

  remove(type: string, id: string): void {
    this.table(type).delete(id);
  }

  count(type: string): number {
    return this.table(type).size;
  }

  findBy(type: string, field: string, value: unknown): Doc | undefined {
    for (const doc of this.table(type).values()) if (doc[field] === value) return doc;
    return undefined;
  }

  clear(): void {
    this.tables.clear();
  }
}
