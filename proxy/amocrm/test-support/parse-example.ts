/**
 * Minimal documented unwrapping of a reference example: drop HTTP request/header lines, wrap a `"key": […]`
 * fragment in braces, and turn the doc's `[ ... ]` elision into an empty array (the test fills the rows).
 */
export function parseExample(text: string): unknown {
  const body = text
    .replace(/^(GET|POST|PUT|PATCH|DELETE) \S+\n(?:[\w-]+: .*\n)*\n?/, '')
    .replace(/\[ \.\.\. \]/g, '[]')
    .trim();
  return JSON.parse(body.startsWith('"') ? `{${body}}` : body);
}
