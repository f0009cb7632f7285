/** Saving a Blob as a download, with a name that cannot be a path. */
/** Offers a Blob as a download. The name is the file's own base name, never a path. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = safeName(name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Folder separators, reserved characters, DEL and bidirectional overrides. */
const UNSAFE_IN_NAMES = /[\u007f/\\:*?"<>|\u202a-\u202e\u2066-\u2069]/;

/** A download name with no folders, control characters or reserved characters in it. */
export function safeName(name: string): string {
  const cleaned = Array.from(name, (c) =>
    UNSAFE_IN_NAMES.test(c) || c.charCodeAt(0) < 0x20 ? '_' : c,
  )
    .join('')
    .replace(/^\.+/, '_');
  return cleaned.slice(0, 200) || 'download';
}
