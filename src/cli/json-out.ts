/**
 * Writes a value as `JSON.stringify(value, null, 2)` would, piece by piece, so that a report of a
 * million paths is never one string in memory (the JSON alone cost 120-170 MB of the analyze
 * command's peak on a layer of a million entries). Plain data only: objects, arrays, strings,
 * numbers, booleans, null; undefined members are left out and undefined array items are null, as
 * JSON.stringify does. A list that names its items one at a time (`length`, `at` and a `toJSON`
 * that gives the array, as the report's change lists) is written as that array without making it.
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  if (Array.isArray(value) || isLazyList(value)) {
    const list = value as LazyList;
    yield* listPieces('[', ']', list.length, indent, (i) => {
      const item = Array.isArray(list) ? list[i] : list.at(i);
      return ['', item === undefined || typeof item === 'function' ? null : item];
    });
  } else if (value !== null && typeof value === 'object' && !hasToJson(value)) {
    const entries = Object.entries(value).filter(
      ([, v]) => v !== undefined && typeof v !== 'function',
    );
    yield* listPieces('{', '}', entries.length, indent, (i) => {
      const [key, item] = entries[i]!;
      return [`${JSON.stringify(key)}: `, item];
    });
  } else {
    // Leaves, and anything with its own toJSON, as JSON.stringify writes them at this depth.
    yield JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
  }
}

/**
 * An array's or an object's `count` members, one per line, each after its prefix (a key, or
 * nothing); members are asked for one at a time, so a list of a million makes no copy.
 */
function* listPieces(
  open: string,
  close: string,
  count: number,
  indent: string,
  member: (i: number) => [prefix: string, value: unknown],
): Generator<string> {
  if (count === 0) {
    yield open + close;
    return;
  }
  const inner = `${indent}  `;
  yield `${open}\n`;
  // Plain values are one line each, gathered into runs of about 64 KiB: a piece passes through
  // every generator above it, and a million paths one by one spent half a second doing so.
  let run = '';
  for (let i = 0; i < count; i++) {
    const [prefix, item] = member(i);
    const end = i === count - 1 ? '\n' : ',\n';
    if (item === null || typeof item !== 'object') {
      run += inner + prefix + JSON.stringify(item) + end;
      if (run.length >= 1 << 16) {
        yield run;
        run = '';
      }
      continue;
    }
    yield run + inner + prefix;
    run = '';
    yield* jsonPieces(item, inner);
    yield end;
  }
  yield run + indent + close;
}

interface LazyList {
  readonly length: number;
  at(i: number): unknown;
}

function isLazyList(value: unknown): value is LazyList {
  const list = value as Partial<LazyList> | null;
  return (
    typeof list === 'object' &&
    list !== null &&
    typeof list.length === 'number' &&
    typeof list.at === 'function' &&
    hasToJson(list)
  );
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
