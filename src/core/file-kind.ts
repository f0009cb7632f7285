import { StrataError } from './errors.ts';
import { parseHeader } from './tar/header.ts';

/**
 * What a file that is not a tar archive seems to be, from its first bytes, so that the message
 * says it in words: a zip, a web page (a link that returned HTML instead of the file), JSON, plain
 * text. Returns nothing when the first block is a tar header.
 */
export function notTarReason(head: Uint8Array): string | undefined {
  if (head.length >= 512 && parseHeader(head.subarray(0, 512)).checksumOk) return undefined;
  const [a, b, c, d] = head;
  if (a === 0x50 && b === 0x4b && (c === 3 || c === 5) && (d === 4 || d === 6))
    return 'This is a zip file, not a tar archive. Save the image with docker save (or podman save, skopeo copy … docker-archive:), which write tar.';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 512));
  const start = text.trimStart().slice(0, 200).toLowerCase();
  if (
    start.startsWith('<!doctype html') ||
    start.startsWith('<html') ||
    /<(head|body)[\s>]/.test(start)
  )
    return 'This is a web page (HTML), not a tar archive: the address may have returned a page (a login or an error) instead of the file.';
  if (start.startsWith('{') || start.startsWith('['))
    return 'This is a JSON document, not a tar archive. Drop the whole tarball that docker save wrote, not one file from inside it.';
  // Shorter than a header: it may be a tar cut inside its first header; the reader says so.
  if (head.length < 512) return undefined;
  const printable = [...head.subarray(0, 512)].every(
    (x) => x === 0x09 || x === 0x0a || x === 0x0d || (x >= 0x20 && x !== 0x7f),
  );
  if (printable) return 'This is a text file, not a tar archive.';
  return 'This is not a tar archive: its first block is not a tar header.';
}

export function notTar(head: Uint8Array): StrataError | undefined {
  const reason = notTarReason(head);
  return reason ? new StrataError('not-tar', reason) : undefined;
}
