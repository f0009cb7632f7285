/**
 * The reference for path names in tests, written apart from core/paths.ts on purpose: it shares no
 * code with what it checks. A path split on "/", with empty and "." parts dropped and ".." taking
 * the part before it away (never above the root).
 */
export function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
