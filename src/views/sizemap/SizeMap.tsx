import './sizemap.css';
import type { HierarchyRectangularNode } from 'd3-hierarchy';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { childIndex } from '../../core/fs/child-index.ts';
import { nameAt, nameCount } from '../../core/fs/path-names.ts';
import { Change } from '../../core/fs/versions.ts';
import { revealPath } from '../../state/explorer-actions.ts';
import { useAnalysis, useCurrentImage, useMode, useView } from '../../state/store.ts';
import { displayName } from '../display.ts';
import { formatBytes } from '../format.ts';
import { readableCommand } from '../format-command.ts';
import { layoutOf, type MapNode, mapSize, mapTree, pathOf, uniqueBytes } from './layout.ts';

type ColourBy = 'layer' | 'change';

/** A colour per layer, far apart for neighbours (golden-angle hues). */
export const layerColour = (layer: number) =>
  layer < 0 ? 'var(--muted)' : `hsl(${(210 + layer * 137.508) % 360} 62% 52%)`;

const CHANGE_COLOURS: [number, string, string][] = [
  [Change.Added, 'var(--added)', 'added'],
  [Change.Content, 'var(--modified)', 'content changed'],
  [Change.Metadata, 'var(--modified)', 'metadata changed'],
  [Change.Unchanged, 'var(--muted)', 'written again unchanged'],
  [0, 'var(--line)', 'not changed by this layer'],
];
const changeColour = (change: number) =>
  CHANGE_COLOURS.find(([c]) => c === change)?.[1] ?? 'var(--line)';

/**
 * Where the bytes are: the filesystem at the current layer (or, in "changes" mode, what the
 * layer wrote) as a treemap. Click a folder to zoom in, a file to open it in the Files tab; the
 * breadcrumb zooms out. Data stored in lower layers but hidden at the top can be shown, hatched.
 */
function fillOf(n: MapNode, colourBy: ColourBy): string {
  if (n.kind === 'rest') return 'var(--line)';
  return colourBy === 'layer' ? layerColour(n.layer) : changeColour(n.change);
}

export function SizeMap({ onOpenFile }: { onOpenFile: () => void }) {
  const analysis = useAnalysis();
  const view = useView();
  const image = useCurrentImage();
  const mode = useMode();
  const [focus, setFocus] = useState(0);
  const [colourBy, setColourBy] = useState<ColourBy>('layer');
  const [showHidden, setShowHidden] = useState(false);
  const [hover, setHover] = useState<MapNode | null>(null);
  // Laid out in real pixels for the width the map has, so labels keep their size.
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.round(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const { width: W, height: H } = mapSize(width);
  const svgRef = useRef<SVGSVGElement>(null);
  const drawnRef = useRef<MapNode[]>([]);

  const names = analysis?.names;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path table changes only with its names
  const children = useMemo(() => childIndex(analysis?.parents ?? new Int32Array(0)), [names]);
  const bytes = useMemo(
    () => (analysis && view ? uniqueBytes(analysis, view) : null),
    [analysis, view],
  );
  const at = analysis && view && focus < nameCount(analysis.names) && view.shown[focus] ? focus : 0;
  const hidden = showHidden && at === 0 && analysis?.complete ? analysis.hiddenFiles : null;
  // Layouts of the folders visited are kept while the view stays the same: zooming back out
  // only redraws.
  const layouts = useRef<{ bytes: Float64Array | null; byKey: Map<string, Layout> }>({
    bytes: null,
    byKey: new Map(),
  });
  const layout = useMemo(() => {
    if (!analysis || !view || !bytes) return null;
    if (layouts.current.bytes !== bytes) layouts.current = { bytes, byKey: new Map() };
    const key = `${at}:${W}x${H}:${hidden ? 'hidden' : ''}`;
    let found = layouts.current.byKey.get(key);
    if (!found) {
      found = layoutOf(mapTree(analysis, view, bytes, children, at, hidden, W * H), W, H);
      if (layouts.current.byKey.size > 32) layouts.current.byKey.clear();
      layouts.current.byKey.set(key, found);
    }
    return found;
  }, [analysis, view, bytes, children, at, hidden, W, H]);
  // Thousands of rectangles are drawn straight into the SVG (no React element each): a zoom
  // redraws in a few milliseconds. Text goes in as text nodes, never as markup. Only a new layout
  // or colouring redraws: redrawn on hover, the rectangles were replaced between a press and its
  // release, and the click went to the map instead of the file. (The SVG is there once the layout
  // and the image are.)
  const shown = layout !== null && image !== undefined && image !== null;
  useLayoutEffect(() => {
    const svg = svgRef.current;
    if (!svg || !layout || !shown) return;
    drawnRef.current = drawMap(svg, layout, (n) => fillOf(n, colourBy));
  }, [layout, colourBy, shown]);

  if (!analysis || !view || !bytes || !layout || !image) return <div ref={box} />;

  const crumbs: number[] = [];
  for (let p = at; p > 0; p = analysis.parents[p]!) crumbs.unshift(p);
  const nodes = layout.descendants();
  const leaves = nodes.filter((n) => !n.children);
  const layersShown = [...new Set(leaves.map((n) => n.data.layer).filter((l) => l >= 0))].sort(
    (a, b) => a - b,
  );
  // The largest folders directly in view, as buttons: zooming by keyboard, or into a folder too
  // small to click.
  const subfolders = (layout.children ?? [])
    .map((c) => c.data)
    .filter((d) => d.kind === 'dir' && d.id >= 0)
    .slice(0, 12);
  const commandOf = (layer: number) =>
    readableCommand(image.history.find((h) => h.layer === layer)?.createdBy ?? '');
  const open = (n: MapNode) => {
    if (n.kind === 'dir' && n.id >= 0) setFocus(n.id);
    else if (n.kind === 'file') {
      void revealPath(n.path);
      onOpenFile();
    }
  };
  const summaryOf = (n: MapNode) =>
    `${displayName(n.path)} · ${formatBytes(n.kind === 'dir' ? (bytes[n.id] ?? 0) : n.value)}${
      n.layer >= 0 ? ` · ${n.kind === 'hidden' ? 'stored in' : 'written by'} layer ${n.layer}` : ''
    }${n.kind === 'hidden' ? ' · hidden at the top' : ''}`;

  // The node a pointer event landed on (rectangles carry their index in `data-i`).
  const cellAt = (target: EventTarget) => {
    const i = (target as Element).getAttribute?.('data-i');
    return i === null || i === undefined ? null : (drawnRef.current[Number(i)] ?? null);
  };

  return (
    <section className="size-map" aria-label="Size map">
      <div className="size-map-tools">
        <nav className="breadcrumb" aria-label="Size map folder">
          <button type="button" className="link-button" onClick={() => setFocus(0)}>
            /
          </button>
          {crumbs.map((p) => (
            <span key={p}>
              {' '}
              ›{' '}
              <button type="button" className="link-button" onClick={() => setFocus(p)}>
                {displayName(nameAt(analysis.names, p))}
              </button>
            </span>
          ))}
          <span className="muted">
            {' '}
            · {formatBytes(bytes[at]!)}{' '}
            {mode === 'changes' ? 'written by this layer' : 'at this layer'}
          </span>
        </nav>
        <label>
          Colour by{' '}
          <select value={colourBy} onChange={(e) => setColourBy(e.target.value as ColourBy)}>
            <option value="layer">the layer that wrote it</option>
            <option value="change">this layer's change</option>
          </select>
        </label>
        {subfolders.length > 0 && (
          <nav className="subfolders" aria-label="Zoom into">
            Zoom into:{' '}
            {subfolders.map((n) => (
              <button
                key={n.id}
                type="button"
                className="link-button"
                onClick={() => setFocus(n.id)}
              >
                {displayName(n.name)}/{' '}
                <span className="muted">{formatBytes(bytes[n.id] ?? 0)}</span>
              </button>
            ))}
          </nav>
        )}
        {analysis.complete && analysis.hiddenFileCount > 0 && (
          <label>
            <input
              type="checkbox"
              checked={showHidden}
              onChange={(e) => setShowHidden(e.target.checked)}
            />{' '}
            Show hidden data (deleted or overwritten)
          </label>
        )}
      </div>
      <div ref={box} className="size-map-box" />
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: keyboard users zoom with the "Zoom into" buttons and reach files in the Files tab */}
      <svg
        ref={svgRef}
        className="size-map-svg"
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Size map of ${at === 0 ? '/' : pathOf(analysis, at)}`}
        onMouseMove={(event) => setHover(cellAt(event.target))}
        onMouseLeave={() => setHover(null)}
        onClick={(event) => {
          const cell = cellAt(event.target);
          if (cell) open(cell);
        }}
      />
      <p className="size-map-status" aria-live="polite">
        {hover
          ? summaryOf(hover)
          : 'Point at a rectangle to see what it is; click a folder to zoom in, a file to open it.'}
      </p>
      <ul className="size-map-legend" aria-label="Colours">
        {colourBy === 'layer'
          ? layersShown.map((l) => (
              <li key={l} data-layer={l}>
                <span className="map-swatch" style={{ background: layerColour(l) }} /> layer {l}{' '}
                <code>{commandOf(l).slice(0, 80)}</code>
              </li>
            ))
          : CHANGE_COLOURS.filter(([c]) => c !== Change.Metadata).map(([c, colour, label]) => (
              <li key={c}>
                <span className="map-swatch" style={{ background: colour }} /> {label}
              </li>
            ))}
        {hidden && (
          <li>
            <span className="map-swatch hatched" /> hidden by a later layer (wasted)
          </li>
        )}
      </ul>
    </section>
  );
}

const SVG = 'http://www.w3.org/2000/svg';
type Layout = HierarchyRectangularNode<MapNode>;

/** Draws the cells and folder outlines; returns the nodes by their `data-i` index. */
function drawMap(
  svg: SVGSVGElement,
  layout: HierarchyRectangularNode<MapNode>,
  fill: (n: MapNode) => string,
): MapNode[] {
  const drawn: MapNode[] = [];
  const frag = document.createDocumentFragment();
  const defs = document.createElementNS(SVG, 'defs');
  const pattern = document.createElementNS(SVG, 'pattern');
  for (const [k, v] of [
    ['id', 'hatch'],
    ['width', '8'],
    ['height', '8'],
    ['patternUnits', 'userSpaceOnUse'],
    ['patternTransform', 'rotate(45)'],
  ])
    pattern.setAttribute(k!, v!);
  const line = document.createElementNS(SVG, 'line');
  for (const [k, v] of [
    ['x1', '0'],
    ['y1', '0'],
    ['x2', '0'],
    ['y2', '8'],
    ['class', 'hatch-line'],
  ])
    line.setAttribute(k!, v!);
  pattern.append(line);
  defs.append(pattern);
  frag.append(defs);
  const rect = (n: HierarchyRectangularNode<MapNode>, cls: string) => {
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', String(n.x0));
    r.setAttribute('y', String(n.y0));
    // Neighbours of one colour are told apart by a hairline gap, cheaper to paint than a stroke.
    const gap = cls.startsWith('cell') ? 0.6 : 0;
    r.setAttribute('width', String(Math.max(0, n.x1 - n.x0 - gap)));
    r.setAttribute('height', String(Math.max(0, n.y1 - n.y0 - gap)));
    r.setAttribute('class', cls);
    return r;
  };
  const label = (n: HierarchyRectangularNode<MapNode>, cls: string, dy: number, px: number) => {
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', String(n.x0 + 4));
    t.setAttribute('y', String(n.y0 + dy));
    t.setAttribute('class', cls);
    t.textContent = displayName(n.data.name).slice(0, Math.floor((n.x1 - n.x0 - 8) / px));
    return t;
  };
  for (const n of layout.leaves()) {
    const r = rect(n, `cell cell-${n.data.kind}`);
    r.setAttribute('fill', fill(n.data));
    r.setAttribute('data-i', String(drawn.length));
    r.setAttribute('data-path', n.data.path);
    r.setAttribute('data-bytes', String(n.data.value));
    r.setAttribute('data-layer', String(n.data.layer));
    r.setAttribute('data-kind', n.data.kind);
    drawn.push(n.data);
    frag.append(r);
    if (n.data.kind === 'hidden') {
      const hatch = rect(n, 'hatched');
      hatch.setAttribute('fill', 'url(#hatch)');
      frag.append(hatch);
    }
    if (n.x1 - n.x0 > 70 && n.y1 - n.y0 > 16) frag.append(label(n, 'cell-label', 13, 7));
  }
  for (const n of layout.descendants()) {
    if (!n.children || n.depth === 0) continue;
    const r = rect(n, 'folder');
    r.setAttribute('data-i', String(drawn.length));
    r.setAttribute('data-path', n.data.path);
    r.setAttribute('data-kind', 'dir');
    drawn.push(n.data);
    frag.append(r);
    // Only the folders directly in view are named: nested ones share their corner.
    if (n.depth === 1 && n.x1 - n.x0 > 90 && n.y1 - n.y0 > 30) {
      const t = label(n, 'folder-label', 26, 8);
      t.textContent = `${t.textContent}/`;
      frag.append(t);
    }
  }
  svg.replaceChildren(frag);
  return drawn;
}
