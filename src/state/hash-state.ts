import type { TreeMode } from '../core/fs/view.ts';
import type { Tab } from './explorer-slice.ts';

/**
 * What a link remembers, in the URL's hash (after speedscope's hash-params): where the archive
 * came from and where in it the user was. Parsed and written by these two small functions only.
 */
export interface ViewState {
  /** An archive address to fetch (`#url=`). */
  url?: string;
  /** A local file's name and size, to recognise it when it is dropped again. */
  file?: string;
  size?: number;
  image?: number;
  layer?: number;
  mode?: TreeMode;
  path?: string;
  filter?: string;
  tab?: Tab;
  /** The other side of a comparison: an archive address, and which of its images. */
  compare?: string;
  compareImage?: number;
}

const TABS: readonly Tab[] = [
  'files',
  'summary',
  'sizemap',
  'archive',
  'dockerfile',
  'packages',
  'compare',
];

export function parseHash(hash: string): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const state: ViewState = {};
  const text = (key: string) => params.get(key) ?? undefined;
  const int = (key: string) => {
    const v = params.get(key);
    return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const url = text('url');
  if (url && /^https?:\/\//i.test(url)) state.url = url;
  const file = text('file');
  if (file) state.file = file;
  const size = int('size');
  if (size !== undefined) state.size = size;
  const image = int('image');
  if (image !== undefined) state.image = image;
  const layer = int('layer');
  if (layer !== undefined) state.layer = layer;
  const mode = text('mode');
  if (mode === 'changes' || mode === 'merged') state.mode = mode;
  const path = text('path');
  if (path?.startsWith('/')) state.path = path;
  const filter = text('filter');
  if (filter) state.filter = filter;
  const tab = text('tab');
  if (tab && (TABS as string[]).includes(tab)) state.tab = tab as Tab;
  const compare = text('compare');
  if (compare && /^https?:\/\//i.test(compare)) state.compare = compare;
  const compareImage = int('compareImage');
  if (compareImage !== undefined) state.compareImage = compareImage;
  return state;
}

export function formatHash(state: ViewState): string {
  const params = new URLSearchParams();
  const keys = [
    'url',
    'file',
    'size',
    'image',
    'layer',
    'mode',
    'path',
    'filter',
    'tab',
    'compare',
    'compareImage',
  ] as const;
  for (const key of keys) {
    const value = state[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}
