import { useModel } from '../state/store.ts';
import { formatBytes } from './format.ts';

/** The outer tarball's own entries, in the order they are stored. */
export function ArchiveEntries() {
  const model = useModel();
  if (!model) return null;
  return (
    <section className="archive-entries" aria-label="Archive entries">
      <h2>Files in the archive</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Size
            </th>
          </tr>
        </thead>
        <tbody>
          {model.entries.map((entry) => (
            <tr key={entry.path}>
              <td className="path">
                {entry.path}
                {entry.linkname && <span className="link-target"> → {entry.linkname}</span>}
              </td>
              <td>{entry.kind}</td>
              <td className="num">{entry.kind === 'file' ? formatBytes(entry.size) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
