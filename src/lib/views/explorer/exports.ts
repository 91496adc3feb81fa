/**
 * What the explorer session exports: the heatmap figure (PNG), the select view, match results and
 * inspector as SVG, the match table as CSV, and the finding (library row + JSON download).
 */
import { fmtStored } from '../../export/precision';
import { matchesCsv } from '../../export/tables';
import { makeFinding } from '../../findings/make';
import { parseFinding } from '../../findings/schema';
import { currentView } from '../../findings/viewState';
import { database } from '../../store/db';
import { stepAt } from '../../store/reader';
import { divergingScale } from '../colour';
import { download } from '../download';
import { canvasBlob, drawFigure } from './figure';
import { CONTEXT } from './match.svelte';
import type { Explorer } from './context';
import { inspectorSvg, matchesSvg, selectViewSvg } from './vectorViews';

/** The heatmap of the window as a figure at a pixel ratio; null when nothing is loaded. */
export function heatmapFigure(s: Explorer, ratio: number): HTMLCanvasElement | null {
  const ex = s.view;
  if (!ex.data) return null;
  const d = ex.data;
  const units = s.sel.units;
  const name = ex.reader.recording.name;
  return drawFigure({
    data: d,
    scale: divergingScale(ex.extents[ex.stream] ?? 1),
    title: s.finding.title || name,
    subtitle: `${name} · ${d.stream} · t ${d.t0.toLocaleString('en')}–${(d.t0 + d.steps - 1).toLocaleString('en')} · θ = ${s.sel.threshold}${units.length ? ` · units ${units.join(', ')}` : ''}`,
    selected: units,
    cellWidth: ex.cellWidth,
    ratio
  });
}

export function selectSvg(s: Explorer): string | null {
  const d = s.view.data;
  if (!d) return null;
  const sel = s.sel;
  return selectViewSvg({
    title: `${s.finding.title || d.stream} · θ = ${sel.threshold}`,
    values: sel.view(d)!,
    steps: d.steps,
    units: d.units,
    t0: d.t0,
    tokens: d.tokens,
    selected: sel.units,
    threshold: sel.threshold,
    brush: sel.brush,
    padLeft: sel.padLeft,
    padRight: sel.padRight
  });
}

export function inspectorViewSvg(s: Explorer): string | null {
  const ex = s.view;
  if (ex.hoverT === null || !ex.hoverRow) return null;
  const scale = divergingScale(ex.extents[ex.stream] ?? 1);
  return inspectorSvg(
    `${s.finding.title || ex.reader.recording.name} · ${ex.stream}`,
    ex.tokenText(ex.hoverT),
    ex.hoverT,
    ex.topUnits,
    s.sel.units,
    scale.extent,
    (v) => scale.css(v),
    (u, v) => fmtStored(v, ex.data ? stepAt(ex.data.quantum, ex.hoverT!, u) : NaN)
  );
}

export function matchSvg(s: Explorer): string | null {
  const m = s.match;
  if (!m.rows.length || !m.query) return null;
  const q = m.query;
  return matchesSvg(
    `${s.finding.title || 'Matches'} · units ${q.units.join(', ')} · θ = ${q.threshold}`,
    m.rows,
    CONTEXT,
    q.units.length
  );
}

/** Every match of the last query as CSV (start, end, scores, text); null without results. */
export function matchTable(s: Explorer): string | null {
  const r = s.match.result;
  return r ? matchesCsv(r.matches, (m) => s.matchText(m)) : null;
}

/** The SVG views the Finding panel offers. */
export const VECTOR_VIEWS = [
  { name: 'select', label: 'Select view', svg: selectSvg },
  { name: 'matches', label: 'Matches', svg: matchSvg },
  { name: 'inspector', label: 'Inspector', svg: inspectorViewSvg }
] as const;

/**
 * Save the finding: to the library's Findings list (with a thumbnail) when the recording is in
 * the library, and as a JSON download. Returns what was done, for the user.
 */
export async function saveFinding(s: Explorer): Promise<string> {
  const ex = s.view;
  const rec = ex.reader.recording;
  const sel = s.sel;
  const m = s.match.result;
  const f = makeFinding({
    recording: rec,
    modelName: s.names.model,
    corpusName: s.names.corpus,
    tokenizer: s.names.tokenizer,
    view: { ...currentView(ex, sel), stream: ex.stream, zoom: ex.cellWidth },
    units: ex.reader.units(ex.stream),
    selected: sel.units,
    match: m ? { candidates: m.candidates, results: m.matches } : null,
    tracks: s.tracks.shown.map((t) => t.name) ?? [],
    title: s.finding.title || `${rec.name}: ${sel.units.length} units`,
    notes: s.finding.notes
  });
  const json = JSON.stringify(f, null, 2);
  // What we write must read back; the parsed copy is also plain data (no reactive proxies),
  // which IndexedDB can store.
  const stored = parseFinding(json);
  const thumb = heatmapFigure(s, 1);
  const thumbnail = thumb ? await canvasBlob(thumb).catch(() => null) : null;
  if (rec.id !== undefined)
    await database().findings.add({
      title: f.title,
      finding: stored,
      thumbnail,
      createdAt: Date.now(),
      updatedAt: Date.now()
    });
  const file = s.fileName({ kind: 'finding', ext: 'json' });
  download(new Blob([json], { type: 'application/json' }), file);
  return rec.id !== undefined
    ? `Saved "${f.title}" to the findings library and as ${file}.`
    : `Saved ${file}.`;
}
