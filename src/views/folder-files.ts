/**
 * The files under a dropped folder, with paths relative to it (webkitGetAsEntry, the one way a
 * drop hands over a folder). Reading entries is paged: readEntries returns at most 100 at a time.
 */
export async function filesOfEntry(
  root: FileSystemDirectoryEntry,
): Promise<{ path: string; blob: Blob }[]> {
  const out: { path: string; blob: Blob }[] = [];
  const walk = async (dir: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    const reader = dir.createReader();
    while (true) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (batch.length === 0) return;
      for (const entry of batch) {
        const path = `${prefix}${entry.name}`;
        if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, `${path}/`);
        else {
          const file = await new Promise<File>((resolve, reject) =>
            (entry as FileSystemFileEntry).file(resolve, reject),
          );
          out.push({ path, blob: file });
        }
      }
    }
  };
  await walk(root, '');
  return out;
}

/** Files from `<input webkitdirectory>`: their paths start with the chosen folder's name. */
export function filesOfInput(files: FileList): {
  name: string;
  files: { path: string; blob: Blob }[];
} {
  const list = Array.from(files);
  const name = list[0]?.webkitRelativePath.split('/')[0] ?? 'folder';
  return {
    name,
    files: list.map((file) => ({
      path: file.webkitRelativePath.split('/').slice(1).join('/'),
      blob: file,
    })),
  };
}
