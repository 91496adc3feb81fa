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
import { currentView, selectionOf, writeViewState } from '../../findings/viewState';

export function mirrorViewInUrl(
  get: () => { ex: ExplorerState; sel: SelectionState },
  onurl: (href: string) => void
): void {
  let lastSelection = '';
  $effect(() => {
    const { ex, sel } = get();
    // A scratch copy to write the view into, not state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const url = new URL(location.href);
    const view = currentView(ex, sel);
    writeViewState(
      url.searchParams,
      view,
      streamNormalization(ex.reader.recording.streams, ex.stream)
    );
    const selection = JSON.stringify(selectionOf(view));
    const push = lastSelection !== '' && selection !== lastSelection;
    lastSelection = selection;
    const t = setTimeout(() => {
      if (url.href === location.href) return;
      onurl(url.href);
      if (push) pushState(url, {});
      else replaceState(url, {});
    }, 150);
    return () => clearTimeout(t);
  });
}

export function applyRestoredSelection(
  get: () => { ex: ExplorerState; sel: SelectionState },
  reselect: () => void
): void {
  $effect(() => {
    const { ex, sel } = get();
    const d = ex.data;
    const b = sel.brush;
    if (sel.pending && d && d.stream === ex.stream && b && b[0] >= d.t0 && b[1] <= d.t0 + d.steps) {
      sel.pending = false;
      reselect();
    }
  });
}
