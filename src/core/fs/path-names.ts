/**
 * The last parts of a run of the path table's paths (ids `from` on, the root's ''), as they cross
 * to the page and are kept there: one string of every name and where each ends in it, instead of
 * a string per path. A million paths cross as one string of 12 MB instead of a million strings
 * (Chromium: 60 ms to make in the worker and about 15 ms to take in, against 130-990 ms for a
 * million strings cloned), and the page keeps one string instead of a million.
 */
export interface PathNames {
  text: string;
  /** Where each name ends in `text`; the first starts at 0. */
  ends: Int32Array;
}

export const NO_NAMES: PathNames = { text: '', ends: new Int32Array(0) };

export function nameCount(names: PathNames): number {
  return names.ends.length;
}

/** Name `i` of the run (made when asked: only the names shown are ever made). */
export function nameAt(names: PathNames, i: number): string {
  const { ends } = names;
  return names.text.slice(i === 0 ? 0 : ends[i - 1]!, ends[i]!);
}

/** Every name of the run, in order (for tests and small tables). */
export function allNames(names: PathNames): string[] {
  return Array.from({ length: nameCount(names) }, (_, i) => nameAt(names, i));
}

/** The run `more` after `names`, as one. */
export function joinNames(names: PathNames, more: PathNames): PathNames {
  const ends = new Int32Array(names.ends.length + more.ends.length);
  ends.set(names.ends);
  const shift = names.text.length;
  for (let i = 0; i < more.ends.length; i++) ends[names.ends.length + i] = more.ends[i]! + shift;
  return { text: names.text + more.text, ends };
}

/**
 * Packs names given as (string, where the name starts in it): each name is the end of its string
 * (a path table holds full paths). ASCII names (nearly all) are written as bytes and made into one
 * string by a latin1 decoder, which reads ASCII as ASCII; any other name sends the whole run
 * through code units, made into strings in pieces (exact for any UTF-16, lone surrogates too).
 */
export function packNames(
  count: number,
  source: (i: number) => string,
  nameStart: (i: number) => number,
): PathNames {
  const ends = new Int32Array(count);
  let length = 0;
  for (let i = 0; i < count; i++) {
    length += source(i).length - nameStart(i);
    ends[i] = length;
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const text = source(i);
    for (let c = nameStart(i); c < text.length; c++) {
      const code = text.charCodeAt(c);
      if (code >= 0x80) return { text: fromCodeUnits(count, source, nameStart, length), ends };
      bytes[at++] = code;
    }
  }
  return { text: new TextDecoder('latin1').decode(bytes), ends };
}

function fromCodeUnits(
  count: number,
  source: (i: number) => string,
  nameStart: (i: number) => number,
  length: number,
): string {
  const units = new Uint16Array(length);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const text = source(i);
    for (let c = nameStart(i); c < text.length; c++) units[at++] = text.charCodeAt(c);
  }
  const pieces: string[] = [];
  // fromCharCode takes its units as arguments: a few thousand at a time stays under any limit.
  for (let i = 0; i < length; i += 8192)
    pieces.push(
      String.fromCharCode.apply(null, units.subarray(i, i + 8192) as unknown as number[]),
    );
  return pieces.join('');
}
