/**
 * The explorer session: one object per open recording page. It opens a recording (`?rec=` from
 * the library, `?src=` a Zarr store by URL, `?local=` one in a folder of this computer) and owns everything the explorer shows — the window
 * (ExplorerState), the selection, tracks, match, unit ranking, the finding being written — and
 * the actions on them. Panels get it from context (`useExplorer`) and call its methods; the route
 * only creates it and opens the URL. New panels (unit pages, interventions, an atlas) plug in here.
 */
import type { Match } from '../../analysis/matchScore';
import { nameSourceOf, viewExportName, type ExportFileName } from '../../export/fileName';
import { parseViewState, type ViewState } from '../../findings/viewState';
import type { RecordingSource } from '../../query/queryWorker';
import { database, type LoadedCorpus } from '../../store/db';
import { RecordingReader } from '../../store/reader';
import { openZarrRecording } from '../../store/zarrSource';
import { localStoreById, localZarrStore } from '../../store/localZarrStore';
import { defaultNormalization, streamNormalization } from './defaultScale';
import { ExplorerState, ZOOM_LEVELS } from './explorer.svelte';
import { AtlasState } from './atlas.svelte';
import { InterventionState } from './intervention.svelte';
import { MatchState } from './match.svelte';
import { RankState } from './ranking.svelte';
import { SelectionState } from './selection.svelte';
import { SpaceState } from './space.svelte';
import { TracksState, type ShownTrack } from './tracks.svelte';
import { viewLink } from './viewSync.svelte';
import { UnitPageState } from '../unit/unitPage.svelte';
import { UnitOrderState } from './unitOrder.svelte';
import type { FeatureInput } from '../../onnx/featureInput';

/** What the session knows about the recording's origin (for findings and file names). */
export interface RecordingNames {
  model: string;
  corpus: string;
  tokenizer: string | null;
}

/** The finding being written in the Finding panel. */
export interface FindingDraft {
  title: string;
  notes: string;
}

/** Results shown under the heatmap. */
export type ResultsKind =
  'match' | 'rank' | 'atlas' | 'intervene' | 'correlation' | 'saturation' | 'projection';

/** The side column's panels, in tab order. */
export const SIDE_TABS = [
  'select',
  'tracks',
  'rank',
  'atlas',
  'order',
  'space',
  'intervene',
  'finding'
] as const;
export type SideTab = (typeof SIDE_TABS)[number];

export class ExplorerSession {
  /** Why nothing can be shown (missing recording, bad store…), else null. */
  problem = $state<string | null>(null);
  readonly sel = new SelectionState();
  readonly finding = $state<FindingDraft>({ title: '', notes: '' });
  /** The window in view; null until a recording is open. */
  view = $state.raw<ExplorerState | null>(null);
  tracks = $state.raw<TracksState | null>(null);
  match = $state.raw<MatchState | null>(null);
  ranking = $state.raw<RankState | null>(null);
  atlas = $state.raw<AtlasState | null>(null);
  /** The heatmap's row order and the units' clusters (correlation matrix). */
  readonly unitOrder = new UnitOrderState();
  intervention = $state.raw<InterventionState | null>(null);
  /** gate saturation and the projection of the state space (the Space tab) */
  space = $state.raw<SpaceState | null>(null);
  /** The side panel in view. */
  tab = $state<SideTab>('select');
  /** Which results share the plot column with the heatmap (one at a time, so both stay usable). */
  results = $state<ResultsKind | null>(null);
  names = $state.raw<RecordingNames>({ model: '', corpus: '', tokenizer: null });
  /** The unit page shown in place of the plot column, or null. */
  unit = $state.raw<UnitPageState | null>(null);
  /** Where the open recording is read from (the query worker opens it again). */
  private source: RecordingSource | null = null;
  /** The last URL the view wrote itself (any other URL change is back/forward). */
  private written = '';
  /** Match results a link asked for: run once its selection is restored (see rerunMatch). */
  // State, so that the effect calling rerunMatch() before the recording opens runs again.
  private pendingMatch = $state.raw<ViewState['match']>(null);

  get isOpen(): boolean {
    return this.view !== null;
  }

  /**
   * Open the recording a page URL names (`?rec=ID`, `?src=URL`, or `?local=ID`: a folder opened
   * in the library) and apply its view state.
   */
  async open(url: URL): Promise<void> {
    const src = url.searchParams.get('src');
    const local = url.searchParams.get('local');
    try {
      if (src) await this.openZarr(src, url.searchParams);
      else if (local) await this.openLocal(Number(local), url.searchParams);
      else await this.openLibrary(Number(url.searchParams.get('rec')), url.searchParams);
    } catch (e) {
      this.problem = (e as Error).message;
    }
  }

  private async openZarr(src: string, params: URLSearchParams) {
    const { recording, corpus, source, vocab } = await openZarrRecording(src);
    const reader = new RecordingReader(source, recording);
    this.attach({ kind: 'zarr', url: src }, reader, corpus, vocab, params);
  }

  private async openLocal(id: number, params: URLSearchParams) {
    const local = localStoreById(id);
    if (!local) {
      this.problem =
        'This Zarr store was opened from a folder before the page was reloaded (or in another tab), and the browser keeps no access to it. Open the folder again from the library.';
      return;
    }
    const { recording, corpus, source, vocab } = await openZarrRecording(
      local.name,
      localZarrStore(local)
    );
    const reader = new RecordingReader(source, recording);
    this.attach(
      { kind: 'zarr', url: `local:${id}/${local.name}`, local },
      reader,
      corpus,
      vocab,
      params
    );
  }

  private async openLibrary(id: number, params: URLSearchParams) {
    const db = database();
    const rec = Number.isInteger(id) && id > 0 ? await db.recordings.get(id) : undefined;
    if (!rec) {
      this.problem =
        'This recording is not in the library (it may have been deleted, or the link is from another browser).';
      return;
    }
    const corpus = await db.loadCorpus(rec.corpusSha);
    if (!corpus) {
      this.problem = `The corpus of "${rec.name}" was deleted, so its tokens cannot be shown.`;
      return;
    }
    const reader = new RecordingReader(db, rec);
    if (reader.length === 0) {
      this.problem = `"${rec.name}" has no recorded tokens yet. Resume it from the library.`;
      return;
    }
    const model = await db.models.get(rec.modelSha);
    this.names = {
      model: model?.name ?? rec.name,
      corpus: corpus.name,
      tokenizer: model?.tokenizer?.type ?? null
    };
    this.attach(
      { kind: 'idb', id: rec.id! },
      reader,
      corpus,
      model?.tokenizer?.vocab ?? null,
      params,
      model?.info.classes ?? null,
      model?.info.featureInput ?? null
    );
  }

  private attach(
    source: RecordingSource,
    reader: RecordingReader,
    corpus: LoadedCorpus,
    vocab: string[] | null,
    params: URLSearchParams,
    classes: string[] | null = null,
    featureInput: FeatureInput | null = null
  ) {
    const view = new ExplorerState(reader, corpus, vocab, classes, featureInput);
    this.source = source;
    this.match = new MatchState(source);
    this.ranking = new RankState(source);
    this.atlas = new AtlasState(source);
    this.unitOrder.attach(source);
    this.intervention = new InterventionState(source);
    this.space = new SpaceState(source);
    void this.atlas.ensure(reader.recording.status === 'complete');
    void this.ranking.load();
    this.tracks = new TracksState(view);
    void this.tracks.loadImported();
    const v = this.applyView(view, params);
    void this.tracks.restore(v.tracks);
    this.pendingMatch = v.match;
    this.view = view;
    // A link ordered by cluster: make the clusters (unless its match needs the query worker).
    if (this.restoreClusters && !v.match && reader.recording.status === 'complete')
      void this.unitOrder.cluster(view.stream);
  }
  /** The URL's row order needs clusters made (see applyView). */
  private restoreClusters = false;

  /** Put the window and the selection where the URL says (a link, a reload, back/forward). */
  private applyView(view: ExplorerState, params: URLSearchParams): ViewState {
    const v = parseViewState(
      params,
      streamNormalization(view.reader.recording.streams, view.stream)
    );
    if (v.stream && view.reader.recording.streams.some((x) => x.id === v.stream))
      view.stream = v.stream;
    if (v.zoom !== null && (ZOOM_LEVELS as readonly number[]).includes(v.zoom))
      view.cellWidth = v.zoom;
    view.setT0(v.t);
    this.sel.restore(v);
    this.restoreClusters = this.unitOrder.restore(v.order ?? null);
    if (v.unit) this.openUnit(v.unit.stream, v.unit.unit);
    else this.closeUnit();
    return v;
  }

  /** The view wrote this URL itself. */
  wroteUrl(href: string): void {
    this.written = href;
  }

  /** The page URL changed: when it was not the view's own write (back/forward), follow it. */
  followUrl(url: URL): void {
    if (this.view && this.written && url.href !== this.written) {
      this.written = url.href;
      this.applyView(this.view, url.searchParams);
    }
  }

  /** Why a match cannot run now, else null. */
  get matchBlocked(): string | null {
    if (!this.view) return 'Loading…';
    if (this.sel.units.length === 0)
      return 'Select units first: brush the line plot, or add units by number.';
    if (this.view.reader.recording.status !== 'complete')
      return 'This recording is not complete: resume it in the library, then match.';
    if (this.match?.running) return 'A match is running.';
    if (this.ranking?.running) return 'A unit ranking is running.';
    return null;
  }

  /** Why a unit ranking cannot start now, else null. */
  get rankBlocked(): string | null {
    return this.match?.running ? 'A match is running.' : null;
  }

  /** Run the match; `window` normalises per unit over those steps (a link's), else the view's. */
  runMatch(window: [number, number] | null = null): void {
    if (this.view && this.match && !this.matchBlocked) {
      this.results = 'match';
      void this.match.run(this.view, this.sel, window);
    }
  }
  /** A link showed match results: run them again once the selection is back (call from an effect). */
  rerunMatch(): void {
    const m = this.pendingMatch;
    if (m && this.view?.data && !this.sel.pending && this.matchBlocked === null) {
      this.pendingMatch = null;
      this.runMatch(m.window);
    }
  }
  moreMatches(): void {
    if (this.view) void this.match?.more(this.view);
  }
  cancelMatch(): void {
    this.match?.cancel();
  }
  /** Hide the match results (the query stays in the URL's history). */
  closeMatches(): void {
    if (this.results === 'match') this.results = null;
    this.match?.clear();
  }

  runRank(track: ShownTrack): void {
    if (this.view && this.ranking && !this.rankBlocked) {
      this.results = 'rank';
      void this.ranking.run(track);
    }
  }

  /** Add units of a stream to the intervention being built, and show the Intervene panel. */
  clampUnits(stream: string, units: number[]): void {
    const iv = this.intervention;
    if (!iv) return;
    const kind = stream.split('.')[2];
    // h and c are the streams an intervention applies to; a gate's unit clamps the layer's c (or h).
    const target =
      kind === 'h' || kind === 'c' ? stream : stream.replace(/\.[^.]+$/, `.${iv.target}`);
    iv.add(target, units);
    this.unit = null;
    this.tab = 'intervene';
  }

  /** Re-run the window in view with the intervention, and show the results under the heatmap. */
  runIntervention(): void {
    const d = this.view?.data;
    if (!d || !this.intervention) return;
    this.results = 'intervene';
    void this.intervention.run([d.t0, d.t0 + d.steps]);
  }

  /** Show results under the heatmap (or none). */
  showResults(kind: ResultsKind | null): void {
    this.results = kind;
  }

  /** Select a unit of any stream into the select view (switching to its stream). */
  selectUnit(stream: string, unit: number): void {
    const v = this.view;
    if (!v) return;
    if (v.stream !== stream) {
      const spec = v.reader.recording.streams.find((s) => s.id === stream);
      if (!spec) return;
      v.stream = stream;
      this.sel.normalization = defaultNormalization(spec);
      this.sel.clear();
    }
    this.sel.toggle(unit);
  }

  /** Show the page of one unit of a stream (in place of the plot column). */
  openUnit(stream: string, unit: number): void {
    if (!this.source || (this.unit?.ref.stream === stream && this.unit.ref.unit === unit)) return;
    this.unit = new UnitPageState({ stream, unit }, this.source);
  }
  /** Back from the unit page to the heatmap. */
  closeUnit(): void {
    this.unit = null;
  }

  showTab(tab: SideTab): void {
    this.tab = tab;
  }

  hover(t: number | null): void {
    if (this.view) this.view.hoverT = t;
  }
  /** Bring step t into view, a third from the left, and inspect it. */
  jumpTo(t: number): void {
    const v = this.view;
    if (!v) return;
    v.setT0(t - Math.floor(v.cols / 3));
    v.hoverT = t;
  }

  /** The text of a match, for CSV tables. */
  matchText(m: Match): string {
    const row = this.match?.rows.find((x) => x.match.start === m.start);
    return row ? row.tokens.slice(m.start - row.t0, m.end - row.t0).join('') : '';
  }

  /** Exported files are named by what they hold: model, corpus, stream, steps, recording date. */
  readonly fileName: ExportFileName = ({ kind, ext, stream }) => {
    const ex = this.view!;
    const view = {
      stream: stream ?? ex.stream,
      t0: ex.data?.t0 ?? ex.t0,
      steps: ex.data?.steps ?? 0
    };
    const src = nameSourceOf(ex.reader.recording, this.names.model, this.names.corpus);
    return viewExportName(src, { ...view, hoverT: ex.hoverT }, kind, ext);
  };

  /** The link to this exact view, and the shown tracks it cannot carry (imported files). */
  link(): { href: string; left: string[] } {
    return viewLink(this.view!, this.sel, {
      tracks: this.tracks?.shown ?? [],
      match: this.match?.link ?? null,
      unit: this.unit?.ref ?? null,
      order: this.unitOrder.spec
    });
  }
}
