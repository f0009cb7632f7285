import './explorer.css';
import { useCallback, useState } from 'react';
import type { Tab } from '../state/explorer-slice.ts';
import { useStore } from '../state/store.ts';
import { ArchiveView } from './archive/ArchiveView.tsx';
import { CurrentLayer } from './CurrentLayer.tsx';
import { CompareView } from './compare/CompareView.tsx';
import { Details } from './Details.tsx';
import { DockerfileView } from './DockerfileView.tsx';
import { ImageHeader } from './ImageHeader.tsx';
import { PackagesView } from './packages/PackagesView.tsx';
import { RequestError } from './RequestError.tsx';
import { Summary } from './Summary.tsx';
import { SizeMap } from './sizemap/SizeMap.tsx';
import { Timeline } from './Timeline.tsx';
import { DownloadBar } from './tree/DownloadBar.tsx';
import { FileTree } from './tree/FileTree.tsx';
import { TreeToolbar } from './tree/TreeToolbar.tsx';
import { FileViewer } from './viewer/FileViewer.tsx';

const TAB_NAMES: Record<Tab, string> = {
  files: 'Files',
  summary: 'Summary',
  sizemap: 'Size map',
  archive: 'Archive',
  dockerfile: 'Dockerfile',
  packages: 'Packages',
  compare: 'Compare',
};
const TABS = Object.keys(TAB_NAMES) as Tab[];

/** The image once read: header, timeline, and the files, summary and archive tabs. */
export function Explorer() {
  const tab = useStore((s) => s.tab);
  const setTab = useCallback((t: Tab) => useStore.getState().set({ tab: t }), []);
  const [epoch, setEpoch] = useState(0);
  const remount = useCallback(() => setEpoch((e) => e + 1), []);
  const onTabKey = (event: React.KeyboardEvent) => {
    const at = TABS.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? (at + 1) % TABS.length
        : event.key === 'ArrowLeft'
          ? (at - 1 + TABS.length) % TABS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? TABS.length - 1
              : -1;
    if (next < 0) return;
    event.preventDefault();
    setTab(TABS[next]!);
    document.getElementById(`tab-${TABS[next]}`)?.focus();
  };
  return (
    <div className="explorer">
      <ImageHeader />
      <div className="explorer-body">
        <Timeline />
        <div className="explorer-main">
          {/* WAI-ARIA tabs: one tab stop; arrow keys, Home and End move between the tabs. */}
          <div className="tabs" role="tablist" aria-label="Views" onKeyDown={onTabKey}>
            {TABS.map((t) => (
              <button
                key={t}
                id={`tab-${t}`}
                type="button"
                role="tab"
                aria-selected={tab === t}
                aria-controls={tab === t ? `panel-${t}` : undefined}
                tabIndex={tab === t ? 0 : -1}
                onClick={() => setTab(t)}
              >
                {TAB_NAMES[t]}
              </button>
            ))}
          </div>
          {tab === 'files' && (
            <div className="files-pane" role="tabpanel" id="panel-files" aria-label="Files">
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
              {/* Beside the tree when there is room (sticky, scrolling on its own), below it when not. */}
              <div className="side-column">
                <Details />
                <FileViewer />
              </div>
            </div>
          )}
          {tab === 'summary' && (
            <div role="tabpanel" id="panel-summary" aria-label="Summary">
              <Summary />
            </div>
          )}
          {tab === 'sizemap' && (
            <div role="tabpanel" id="panel-sizemap" aria-label="Size map">
              <SizeMap onOpenFile={() => setTab('files')} />
            </div>
          )}
          {tab === 'dockerfile' && (
            <div role="tabpanel" id="panel-dockerfile" aria-label="Dockerfile">
              <DockerfileView onOpenLayer={() => setTab('files')} />
            </div>
          )}
          {tab === 'packages' && (
            <div role="tabpanel" id="panel-packages" aria-label="Packages">
              <PackagesView onShowFiles={() => setTab('files')} />
            </div>
          )}
          {tab === 'compare' && (
            <div role="tabpanel" id="panel-compare" aria-label="Compare">
              <CompareView />
            </div>
          )}
          {tab === 'archive' && (
            <div role="tabpanel" id="panel-archive" aria-label="Archive">
              <ArchiveView onOpenLayer={() => setTab('files')} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
