/**
 * A layer's number columns (entries.ts): each starts in the narrowest typed array its usual values
 * fit and widens when one does not, and some start as the one value every entry shares.
 */

export type NumberColumn = Uint16Array | Uint32Array | Float64Array;
/** A column, or the one value every entry so far has (the first entry's). */
export type OftenSame = NumberColumn | number;

export function valueAt(column: OftenSame, i: number): number {
  return typeof column === 'number' ? column : column[i]!;
}

/**
 * Stores `value` at `i` of a column that may be one value: kept so while entry `i` has it too,
 * else made a column of `capacity` first, as narrow as the value so far allows.
 */
export function storedOften(
  column: OftenSame,
  i: number,
  value: number,
  capacity: number,
): OftenSame {
  if (typeof column !== 'number') return stored(column, i, value);
  if (i === 0 || value === column) return value;
  const fits = (type: new (n: number) => NumberColumn) => {
    const probe = new type(1);
    probe[0] = column;
    return probe[0] === column;
  };
  const type = fits(Uint16Array) ? Uint16Array : fits(Uint32Array) ? Uint32Array : Float64Array;
  const materialised = new type(capacity);
  materialised.fill(column, 0, i);
  return stored(materialised, i, value);
}

/**
 * Stores `value` at `i`, first widening the column (16 bits, 32 bits, then 64-bit floats) when it
 * would not hold the value exactly: a large file, an offset past 4 GiB, a fractional mtime.
 */
export function stored(column: NumberColumn, i: number, value: number): NumberColumn {
  column[i] = value;
  if (column[i] === value || column instanceof Float64Array) return column;
  const wider = column instanceof Uint16Array ? Uint32Array : Float64Array;
  const next = new wider(column.length);
  next.set(column);
  return stored(next, i, value);
}
