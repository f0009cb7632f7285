/**
 * Path globs in linear time: `**` crosses folders, `*` and `?` do not, `[abc]`, `[a-z]`, `[!a]` and
 * `[^a]` match one character (never `/`). Anchored at the end, and at the start when the pattern
 * starts with `/`; otherwise it may match any trailing part of the path that starts a segment.
 * Case-insensitive. The pattern becomes a list of tokens run as a set of states over the path
 * (Thompson's construction), so a pattern like `**a**a**a**b` costs pattern × path steps, never
 * the backtracking a regular expression would do: a shared link cannot stall the page.
 */
type Token =
  | { kind: 'char'; char: string }
  | { kind: 'one' }
  | { kind: 'class'; negated: boolean; ranges: [string, string][] }
  | { kind: 'star' }
  | { kind: 'globstar' };

export const isGlob = (text: string) => /[*?[]/.test(text);

function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      let j = i;
      while (pattern[j + 1] === '*') j++;
      const globstar = j > i;
      // Runs of stars collapse: `* *` side by side is one star, and any `**` among them wins.
      const last = out.at(-1);
      if (last?.kind === 'star' || last?.kind === 'globstar') {
        if (globstar) out[out.length - 1] = { kind: 'globstar' };
      } else out.push({ kind: globstar ? 'globstar' : 'star' });
      i = j;
    } else if (c === '?') out.push({ kind: 'one' });
    else if (c === '[') {
      let j = i + 1;
      const negated = pattern[j] === '!' || pattern[j] === '^';
      if (negated) j++;
      const start = j;
      if (pattern[j] === ']') j++; // a leading "]" is a member
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        out.push({ kind: 'char', char: '[' }); // no closing bracket: a plain "["
        continue;
      }
      const body = pattern.slice(start, j);
      const ranges: [string, string][] = [];
      for (let k = 0; k < body.length; k++) {
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push([body[k]!, body[k + 2]!]);
          k += 2;
        } else ranges.push([body[k]!, body[k]!]);
      }
      out.push({ kind: 'class', negated, ranges });
      i = j;
    } else out.push({ kind: 'char', char: c });
  }
  return out;
}

function matchesOne(token: Token, c: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === c;
    case 'one':
      return c !== '/';
    case 'class': {
      if (c === '/') return false;
      const inside = token.ranges.some(([a, b]) => a <= c && c <= b);
      return inside !== token.negated;
    }
    default:
      return false;
  }
}

/**
 * The longest run of plain characters in a pattern, lower-cased: every path it matches holds that
 * run, so a search can look for it first and test only the paths that hold it.
 */
export function globLiteral(pattern: string): string {
  let longest = '';
  let run = '';
  for (const token of tokens(pattern.trim().toLowerCase())) {
    run = token.kind === 'char' ? run + token.char : '';
    if (run.length > longest.length) longest = run;
  }
  return longest;
}

export function globMatcher(pattern: string): (path: string) => boolean {
  const text = pattern.trim().toLowerCase();
  const anchored = text.startsWith('/');
  const list = tokens(text);
  const accept = list.length;
  let current = new Int32Array(accept + 1);
  let next = new Int32Array(accept + 1);
  const seen = new Int32Array(accept + 1);
  let stamp = 0;

  return (path: string) => {
    const lower = path.toLowerCase();
    let count = 0;
    // Adds a state and every state reachable from it without a character (stars match nothing).
    const add = (set: Int32Array, n: number, state: number): number => {
      let s = state;
      while (s <= accept && seen[s] !== stamp) {
        seen[s] = stamp;
        set[n++] = s;
        const kind = list[s]?.kind;
        if (kind !== 'star' && kind !== 'globstar') break;
        s++;
      }
      return n;
    };
    stamp++;
    count = add(current, 0, 0);
    for (let i = 0; i < lower.length; i++) {
      const c = lower[i]!;
      stamp++;
      let n = 0;
      for (let k = 0; k < count; k++) {
        const s = current[k]!;
        const token = list[s];
        if (!token) continue;
        if (token.kind === 'globstar' || (token.kind === 'star' && c !== '/')) n = add(next, n, s);
        else if (matchesOne(token, c)) n = add(next, n, s + 1);
      }
      // Unanchored: a match may also begin at the start of any segment.
      if (!anchored && c === '/') n = add(next, n, 0);
      [current, next] = [next, current];
      count = n;
      if (count === 0 && anchored) return false;
    }
    for (let k = 0; k < count; k++) if (current[k] === accept) return true;
    return false;
  };
}
