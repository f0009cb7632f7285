/**
 * Control-file stanzas (dpkg's status, RFC 822-like): `Key: value` lines, continuation lines
 * starting with a space or tab, stanzas separated by blank lines. Keys are kept as written.
 */
export function controlStanzas(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let lastKey: string | null = null;
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed.trim() === '') {
      if (current.size > 0) stanzas.push(current);
      current = new Map();
      lastKey = null;
      continue;
    }
    if ((trimmed[0] === ' ' || trimmed[0] === '\t') && lastKey) {
      current.set(lastKey, `${current.get(lastKey)}\n${trimmed.slice(1)}`);
      continue;
    }
    const colon = trimmed.indexOf(':');
    if (colon <= 0) continue;
    lastKey = trimmed.slice(0, colon);
    current.set(lastKey, trimmed.slice(colon + 1).trim());
  }
  if (current.size > 0) stanzas.push(current);
  return stanzas;
}

/** Header lines of a metadata file (Python's METADATA / PKG-INFO), up to the first blank line. */
export function headerFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let lastKey: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && lastKey) {
      const list = fields.get(lastKey)!;
      list[list.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).toLowerCase();
    const list = fields.get(lastKey) ?? [];
    list.push(line.slice(colon + 1).trim());
    fields.set(lastKey, list);
  }
  return fields;
}
