import { type ReactNode, useCallback, useRef, useState } from 'react';
import { openFile, openFolder } from '../state/actions.ts';
import { filesOfEntry } from './folder-files.ts';

/**
 * The whole window is a drop target. Dragging a file over it shows the "drop here" state; the
 * counter keeps the state steady while the pointer crosses child elements.
 */
const hasFiles = (event: React.DragEvent) => event.dataTransfer.types.includes('Files');

export function DropZone({ children }: { children: ReactNode }) {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  const onDragEnter = useCallback((event: React.DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth.current++;
    setDragging(true);
  }, []);
  const onDragOver = useCallback((event: React.DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDragLeave = useCallback(() => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  }, []);
  const onDrop = useCallback((event: React.DragEvent) => {
    event.preventDefault();
    depth.current = 0;
    setDragging(false);
    const entry = event.dataTransfer.items[0]?.webkitGetAsEntry?.();
    if (entry?.isDirectory) {
      // An OCI image layout dropped as a folder.
      void filesOfEntry(entry as FileSystemDirectoryEntry).then((files) =>
        openFolder(files, entry.name),
      );
      return;
    }
    const file = event.dataTransfer.files[0];
    if (file) void openFile(file, file.name);
  }, []);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole window takes drops; keyboard users have the Choose file button
    <div
      className="drop-zone"
      data-dragging={dragging}
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {children}
      {dragging && (
        <div className="drop-overlay" role="status">
          <div className="drop-overlay-box">Drop the image tarball here</div>
        </div>
      )}
    </div>
  );
}
