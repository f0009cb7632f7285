import { useCallback, useState } from 'react';
import { ArchiveView } from './archive/ArchiveView.tsx';
import { CurrentLayer } from './CurrentLayer.tsx';
import { Details } from './Details.tsx';
import { DockerfileView } from './DockerfileView.tsx';
import { ImageHeader } from './ImageHeader.tsx';
import { RequestError } from './RequestError.tsx';
import { Summary } from './Summary.tsx';
import { SizeMap } from './sizemap/SizeMap.tsx';
import { Timeline } from './Timeline.tsx';
import { DownloadBar } from './tree/DownloadBar.tsx';
import { FileTree } from './tree/FileTree.tsx';
import { TreeToolbar } from './tree/TreeToolbar.tsx';
import { FileViewer } from './viewer/FileViewer.tsx';

type Tab = 'files' | 'summary' | 'sizemap' | 'archive' | 'dockerfile';

const TAB_NAMES: Record<Tab, string> = {
  files: 'Files',
  summary: 'Summary',
  sizemap: 'Size map',
  archive: 'Archive',
  dockerfile: 'Dockerfile',
};

/** The image once read: header, timeline, and the files, summary and archive tabs. */
export function Explorer() {
  const [tab, setTab] = useState<Tab>('files');
  const [epoch, setEpoch] = useState(0);
  const remount = useCallback(() => setEpoch((e) => e + 1), []);
  return (
    <div className="explorer">
      <ImageHeader />
      <div className="explorer-body">
        <Timeline />
        <div className="explorer-main">
          <div className="tabs" role="tablist" aria-label="Views">
            {(Object.keys(TAB_NAMES) as Tab[]).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                onClick={() => setTab(t)}
              >
                {TAB_NAMES[t]}
              </button>
            ))}
          </div>
          {tab === 'files' && (
            <div className="files-pane" role="tabpanel" aria-label="Files">
              <div className="tree-column">
                <CurrentLayer />
                <TreeToolbar remount={remount} />
                <RequestError name="analysis" />
                <RequestError name="view" />
                <RequestError name="filter" />
                <RequestError name="details" />
                <DownloadBar />
                <FileTree epoch={epoch} />
              </div>
              <Details />
              <div className="viewer-row">
                <FileViewer />
              </div>
            </div>
          )}
          {tab === 'summary' && (
            <div role="tabpanel" aria-label="Summary">
              <Summary />
            </div>
          )}
          {tab === 'sizemap' && (
            <div role="tabpanel" aria-label="Size map">
              <SizeMap onOpenFile={() => setTab('files')} />
            </div>
          )}
          {tab === 'dockerfile' && (
            <div role="tabpanel" aria-label="Dockerfile">
              <DockerfileView onOpenLayer={() => setTab('files')} />
            </div>
          )}
          {tab === 'archive' && (
            <div role="tabpanel" aria-label="Archive">
              <ArchiveView onOpenLayer={() => setTab('files')} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
