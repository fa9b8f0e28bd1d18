/** A message lookup over the locale object amoCRM gives us (`self.langs`, i.e. i18n/<lang>.json). */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/**
 * `langs` is `self.langs` (the whole locale object). When a host only offers `self.i18n(section)`,
 * that is used per top-level section instead.
 */
export function createTranslator(
  langs: Record<string, unknown> | undefined,
  i18nSection?: (section: string) => unknown,
): Translate {
  return (key, vars) => {
    let found = lookup(langs, key);
    if (found === undefined && i18nSection) {
      const [section = '', ...rest] = key.split('.');
      const tree = { [section]: i18nSection(section) };
      found = lookup(tree, [section, ...rest].join('.'));
    }
    // Showing the key keeps a missing string visible in the UI instead of rendering an empty label.
    const template = typeof found === 'string' ? found : key;
    if (!vars) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.hasOwn(vars, name) ? String(vars[name]) : whole,
    );
  };
}

function lookup(tree: Record<string, unknown> | undefined, key: string): unknown {
  let node: unknown = tree;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
