/**
 * Sizes as dive's CI config writes them (`20MB`, `20Mb`, `1B`, `50kB`, `1.5 GiB`, `1,000`), read
 * the way dive reads them: go-humanize's ParseBytes. Digits (with `.` and `,`) then a unit,
 * case-insensitive; decimal units (kB = 1000) and binary ones (KiB = 1024); no unit means bytes.
 * The result is truncated to a whole number of bytes, as Go's uint64 conversion does.
 */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  ki: 2 ** 10,
  kib: 2 ** 10,
  m: 1e6,
  mb: 1e6,
  mi: 2 ** 20,
  mib: 2 ** 20,
  g: 1e9,
  gb: 1e9,
  gi: 2 ** 30,
  gib: 2 ** 30,
  t: 1e12,
  tb: 1e12,
  ti: 2 ** 40,
  tib: 2 ** 40,
  p: 1e15,
  pb: 1e15,
  pi: 2 ** 50,
  pib: 2 ** 50,
  e: 1e18,
  eb: 1e18,
  ei: 2 ** 60,
  eib: 2 ** 60,
};

export function parseByteSize(text: string): number {
  const match = /^([0-9.,]*)(.*)$/s.exec(text)!;
  const digits = match[1]!.replaceAll(',', '');
  const unit = match[2]!.trim().toLowerCase();
  // strconv.ParseFloat accepts "1", "1.5", ".5", "1."; not "", "." or "1.2.3".
  if (!/^(\d+\.?\d*|\.\d+)$/.test(digits)) throw new Error(`"${text}" is not a size`);
  const scale = UNITS[unit];
  if (scale === undefined)
    throw new Error(`"${text}" has an unknown size unit "${match[2]!.trim()}"`);
  const bytes = Math.trunc(Number(digits) * scale);
  if (!Number.isSafeInteger(bytes)) throw new Error(`"${text}" is too large`);
  return bytes;
}
