/** `ls -l` style permissions for a tar mode and kind: `-rwsr-xr-x`, with setuid, setgid, sticky. */
export function permissionString(mode: number, kind: string): string {
  const type: Record<string, string> = {
    dir: 'd',
    symlink: 'l',
    char: 'c',
    block: 'b',
    fifo: 'p',
    hardlink: '-',
    file: '-',
  };
  const bit = (mask: number, c: string) => (mode & mask ? c : '-');
  const exec = (x: number, special: number, set: string) => {
    const has = (mode & x) !== 0;
    if (mode & special) return has ? set : set.toUpperCase();
    return has ? 'x' : '-';
  };
  return (
    (type[kind] ?? '?') +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    exec(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    exec(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    exec(0o001, 0o1000, 't')
  );
}

export function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

export function specialBits(mode: number): string[] {
  const out: string[] = [];
  if (mode & 0o4000) out.push('setuid');
  if (mode & 0o2000) out.push('setgid');
  if (mode & 0o1000) out.push('sticky');
  return out;
}
