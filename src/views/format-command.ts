/**
 * A history step's command as people read it: docker records RUN steps as `/bin/sh -c CMD` and
 * the others as `/bin/sh -c #(nop) INSTRUCTION`; both prefixes are noise (dive strips them too).
 * BuildKit writes `RUN /bin/sh -c CMD # buildkit`.
 */
export function readableCommand(createdBy: string): string {
  let text = createdBy.trim();
  text = text.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');
  text = text.replace(/^\/bin\/sh -c\s+/, 'RUN ');
  text = text.replace(/^RUN \/bin\/sh -c\s+/, 'RUN ');
  text = text.replace(/\s*# buildkit$/, '');
  return text || '(no command recorded)';
}
