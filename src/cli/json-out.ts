/**
 * Writes a value as `JSON.stringify(value, null, 2)` would, piece by piece, so that a report of a
 * million paths is never one string in memory (the JSON alone cost 120-170 MB of the analyze
 * command's peak on a layer of a million entries). Plain data only: objects, arrays, strings,
 * numbers, booleans, null; undefined members are left out and undefined array items are null, as
 * JSON.stringify does.
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    const inner = `${indent}  `;
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      const item = value[i];
      if (item === undefined || typeof item === 'function') yield 'null';
      else yield* jsonPieces(item, inner);
      yield i === value.length - 1 ? '\n' : ',\n';
    }
    yield `${indent}]`;
    return;
  }
  if (value !== null && typeof value === 'object' && !hasToJson(value)) {
    const entries = Object.entries(value).filter(
      ([, v]) => v !== undefined && typeof v !== 'function',
    );
    if (entries.length === 0) {
      yield '{}';
      return;
    }
    const inner = `${indent}  `;
    yield '{\n';
    for (let i = 0; i < entries.length; i++) {
      const [key, item] = entries[i]!;
      yield `${inner}${JSON.stringify(key)}: `;
      yield* jsonPieces(item, inner);
      yield i === entries.length - 1 ? '\n' : ',\n';
    }
    yield `${indent}}`;
    return;
  }
  // Leaves, and anything with its own toJSON, as JSON.stringify writes them at this depth.
  yield JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
}

function hasToJson(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Writes `value` and a newline to a stream in pieces of about 64 KiB, waiting when it is full. */
export async function writeJson(
  value: unknown,
  out: { write(chunk: string): boolean; once(event: 'drain', listener: () => void): unknown },
): Promise<void> {
  let batch = '';
  const flush = async () => {
    const full = !out.write(batch);
    batch = '';
    if (full) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  for (const piece of jsonPieces(value)) {
    batch += piece;
    if (batch.length >= 1 << 16) await flush();
  }
  batch += '\n';
  await flush();
}
