/**
 * Effects that keep the explorer and its URL in step (call during component setup): the whole
 * view mirrored into the URL — a new selection is a history entry (back undoes it), scrolling and
 * zooming replace the entry — and a selection restored from the URL or a finding applied once
 * its window has loaded. Props are passed as getters so the effects follow them.
 */
import { pushState, replaceState } from '$app/navigation';
import type { ExplorerState } from './explorer.svelte';
import type { SelectionState } from './selection.svelte';
import { streamNormalization } from './defaultScale';
import {
  currentView,
  linkTracks,
  selectionOf,
  writeViewState,
  type ShownTrackKey,
  type ViewState
} from '../../findings/viewState';

/** What the URL holds besides the explorer and its selection. */
export interface ViewExtras {
  tracks?: readonly ShownTrackKey[];
  match?: ViewState['match'];
  unit?: ViewState['unit'];
  order?: ViewState['order'];
}

/**
 * The link to the view as it is now (built from the state, not read from the address bar, which
 * is written a moment after each change), and the names of shown tracks it cannot carry.
 */
export function viewLink(
  ex: ExplorerState,
  sel: SelectionState,
  extras: ViewExtras = {},
  href = location.href
): { href: string; left: string[] } {
  // A scratch copy to write the view into, not state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const url = new URL(href);
  writeViewState(
    url.searchParams,
    currentView(ex, sel, extras),
    streamNormalization(ex.reader.recording.streams, ex.stream)
  );
  return { href: url.href, left: linkTracks(extras.tracks ?? []).left };
}

export function mirrorViewInUrl(
  get: () => { ex: ExplorerState; sel: SelectionState } & ViewExtras,
  onurl: (href: string) => void
): void {
  let lastSelection = '';
  $effect(() => {
    const { ex, sel, ...extras } = get();
    const { href } = viewLink(ex, sel, extras);
    const selection = JSON.stringify(selectionOf(sel));
    const push = lastSelection !== '' && selection !== lastSelection;
    lastSelection = selection;
    const t = setTimeout(() => {
      if (href === location.href) return;
      onurl(href);
      if (push) pushState(href, {});
      else replaceState(href, {});
    }, 150);
    return () => clearTimeout(t);
  });
}

/**
 * A brush restored without its rule's units (a link from before they were in it): apply the
 * rule once the window in view holds the brush. `ready`: the view has its final width (the first
 * window is loaded before the plot is measured, and normalised values depend on the window).
 */
export function applyRestoredSelection(
  get: () => { ex: ExplorerState; sel: SelectionState; ready: boolean },
  reselect: () => void
): void {
  $effect(() => {
    const { ex, sel, ready } = get();
    const d = ex.data;
    const b = sel.brush;
    if (
      sel.pending &&
      ready &&
      d &&
      d.stream === ex.stream &&
      d.t0 === ex.t0 &&
      d.steps === Math.min(ex.length, ex.t0 + ex.cols) - ex.t0 &&
      b &&
      b[0] >= d.t0 &&
      b[1] <= d.t0 + d.steps
    ) {
      sel.pending = false;
      reselect();
    }
  });
}

/**
 * Re-run the match a link says was shown, once: when its selection is restored and the window
 * in view has loaded. `blocked`: why a match cannot run now (null: it can).
 */
export function rerunMatchOnOpen(
  get: () => { ex: ExplorerState | null; sel: SelectionState; blocked: string | null },
  match: ViewState['match'],
  run: (window: [number, number] | null) => void
): void {
  let wanted = match !== null;
  $effect(() => {
    const { ex, sel, blocked } = get();
    if (wanted && ex?.data && !sel.pending && blocked === null) {
      wanted = false;
      run(match!.window);
    }
  });
}
