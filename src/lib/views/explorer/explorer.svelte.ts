/**
 * View state of the explorer: which stream, which window of time, what is hovered — and the data
 * of the current window, loaded from the store whenever those change. Components read it and draw.
 */
import { robustExtent } from '../../analysis/extent';
import { topUnitsByMagnitude, type UnitValue } from '../../analysis/topUnits';
import type { LoadedCorpus } from '../../store/db';
import type { PredictionWindow, RecordingReader, WindowSteps } from '../../store/reader';
import { lineCol, lineStarts } from '../../tokenize/lines';
import { tokenTexts } from '../../tokenize/tokenText';
import { lastAtOrBefore } from '../../bisect';
import type { FeatureInput } from '../../onnx/featureInput';
import { seriesColumns, type SeriesColumns } from './seriesColumns';

export const ZOOM_LEVELS = [1, 2, 4, 6, 8, 10, 12, 16, 20] as const;

export interface WindowData {
  stream: string;
  t0: number;
  steps: number;
  units: number;
  values: Float32Array;
  /** Display text of each token in the window (from the corpus, by offset). */
  tokens: string[];
  offsets: Uint32Array;
  /** LM-head predictions of the window (models with logits), else null. */
  predictions: PredictionWindow | null;
  /** How precisely each value is stored (quantisation steps, per chunk and unit). */
  quantum: WindowSteps;
}

export class ExplorerState {
  stream = $state('');
  t0 = $state(0);
  cellWidth = $state<number>(12);
  /** Width in px available for columns. */
  width = $state(800);
  hoverT = $state<number | null>(null);
  data = $state.raw<WindowData | null>(null);
  error = $state<string | null>(null);
  /** Colour-scale extent per stream, fixed when the stream is first shown so panning keeps it. */
  extents = $state<Record<string, number>>({});
  /** A time-series corpus's columns (rows are the steps); null for text. */
  readonly series: SeriesColumns | null;
  private seq = 0;
  /** t0 of the last window loaded (which way the user is paging) */
  private loadedT0 = 0;

  constructor(
    readonly reader: RecordingReader,
    readonly corpus: LoadedCorpus,
    /** The model's vocabulary (id → token), to show predicted tokens; null when unknown. */
    readonly vocab: string[] | null = null,
    /** A classifier head's class names: its predictions are classes, not next tokens. */
    readonly classes: string[] | null = null,
    /** A time-series model's input (which CSV columns it takes) */
    featureInput: FeatureInput | null = null
  ) {
    this.series = seriesColumns(corpus, featureInput);
    const streams = reader.recording.streams;
    // Start on the top layer's hidden state.
    this.stream = streams.filter((s) => s.kind === 'h').at(-1)?.id ?? streams[0]?.id ?? '';
  }

  get length() {
    return this.reader.length;
  }
  get cols() {
    return Math.max(1, Math.floor(this.width / this.cellWidth));
  }
  get maxT0() {
    return Math.max(0, this.length - this.cols);
  }

  setT0(t: number) {
    const next = Math.max(0, Math.min(Math.round(t), this.maxT0));
    if (next !== this.t0) performance.mark('cellscope:pan-start');
    this.t0 = next;
  }
  scrollBy(steps: number) {
    this.setT0(this.t0 + steps);
  }
  zoom(direction: 1 | -1) {
    const i = ZOOM_LEVELS.indexOf(this.cellWidth as (typeof ZOOM_LEVELS)[number]);
    const next =
      ZOOM_LEVELS[Math.max(0, Math.min(ZOOM_LEVELS.length - 1, (i < 0 ? 6 : i) + direction))];
    // Keep the hovered (or centre) timestep in place while zooming.
    const anchor = this.hoverT ?? this.t0 + Math.floor(this.cols / 2);
    const frac = (anchor - this.t0) / this.cols;
    this.cellWidth = next;
    this.setT0(anchor - frac * this.cols);
  }
  /** Move the hover by dt, scrolling the window to keep it visible. */
  moveHover(dt: number) {
    const t = Math.max(0, Math.min(this.length - 1, (this.hoverT ?? this.t0) + dt));
    this.hoverT = t;
    if (t < this.t0) this.setT0(t);
    else if (t >= this.t0 + this.cols) this.setT0(t - this.cols + 1);
  }

  /** Values of all units at the hovered timestep, if it is in the loaded window. */
  get hoverRow(): Float32Array | null {
    const d = this.data;
    const t = this.hoverT;
    if (!d || t === null || t < d.t0 || t >= d.t0 + d.steps) return null;
    return d.values.subarray((t - d.t0) * d.units, (t - d.t0 + 1) * d.units);
  }
  /** What the LM head predicted at the hovered step: top tokens, and the loss of the actual one. */
  get hoverPredictions(): { loss: number; top: { token: string; p: number }[] } | null {
    const d = this.data;
    const t = this.hoverT;
    const p = d?.predictions;
    if (!d || !p || t === null || t < d.t0 || t >= d.t0 + d.steps) return null;
    const i = t - d.t0;
    const top = Array.from({ length: p.k }, (_, j) => {
      const id = p.topIds[i * p.k + j];
      const names = this.classes ?? this.vocab;
      return { token: names?.[id] ?? `#${id}`, p: p.topProbs[i * p.k + j] };
    });
    return { loss: p.loss[i], top };
  }

  get topUnits(): UnitValue[] {
    const row = this.hoverRow;
    return row ? topUnitsByMagnitude(row, 20) : [];
  }
  tokenText(t: number): string {
    const d = this.data;
    return d && t >= d.t0 && t < d.t0 + d.steps ? d.tokens[t - d.t0] : '';
  }
  /** A time series's row at step t: every column but the document's, as written. */
  stepColumns(t: number): { name: string; value: string; input: boolean }[] | null {
    const s = this.series;
    if (!s || t < 0 || t >= s.table.rows) return null;
    return s.trackable.map((name) => ({
      name,
      value: s.table.cells[s.table.columns.indexOf(name)][t],
      input: s.features.includes(name)
    }));
  }
  /** Whether a document starts at a token index (the recurrent state resets there). */
  isDocumentStart(t: number): boolean {
    this.docStarts ??= Object.fromEntries(
      this.reader.recording.documents.map((d) => [d.start, true])
    );
    return t > 0 && this.docStarts[t] === true;
  }
  private docStarts: Record<number, true> | null = null;
  /** Name of the document a timestep belongs to (when the corpus has several). */
  documentName(t: number): string | null {
    const docs = this.reader.recording.documents;
    if (docs.length < 2) return null;
    let name = docs[0].name;
    for (const d of docs) if (d.start <= t) name = d.name;
    return name;
  }
  /** Line and column of a timestep's token in the corpus. */
  position(t: number): { line: number; col: number } | null {
    const d = this.data;
    if (!d || t < d.t0 || t >= d.t0 + d.steps) return null;
    this.starts ??= lineStarts(this.corpus.text);
    return lineCol(this.starts, d.offsets[t - d.t0]);
  }
  private starts: Uint32Array | null = null;

  /** Token start offsets of the whole recording, loaded on first use (search, tracks). */
  private allOffsets: Promise<Uint32Array> | null = null;
  allTokenOffsets(): Promise<Uint32Array> {
    return (this.allOffsets ??= this.reader.tokens(0, this.length).then((t) => t.offsets));
  }

  /**
   * Find the next occurrence of a string, or of a regex written /like this/flags, after the
   * hovered token (wrapping around); move there. Returns a message when nothing is found.
   */
  async find(query: string): Promise<string | null> {
    const m = query.match(/^\/(.+)\/([gimsuy]*)$/);
    let re: RegExp;
    try {
      re = m
        ? new RegExp(m[1], m[2].replace('g', '') + 'g')
        : new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g');
    } catch (e) {
      return `Not a valid regular expression: ${(e as Error).message}`;
    }
    const offsets = await this.allTokenOffsets();
    const text = this.corpus.text;
    const here =
      this.hoverT !== null && this.hoverT < offsets.length ? offsets[this.hoverT] + 1 : 0;
    re.lastIndex = here;
    let hit = re.exec(text);
    if (!hit || hit[0].length === 0) {
      re.lastIndex = 0;
      hit = re.exec(text);
    }
    if (!hit) return `"${query}" does not occur in the corpus.`;
    // The token whose start is the last one at or before the match.
    const t = Math.max(0, lastAtOrBefore(offsets, hit.index));
    this.hoverT = t;
    this.setT0(t - Math.floor(this.cols / 3));
    return null;
  }

  /** Load the window for the current stream/t0/cols; stale responses are dropped. */
  async load(): Promise<void> {
    const stream = this.stream;
    const t0 = this.t0;
    const t1 = Math.min(this.length, t0 + this.cols);
    const seq = ++this.seq;
    try {
      // One token past the window gives the last token's end offset.
      const [values, toks, predictions, quantum] = await Promise.all([
        this.reader.window(stream, t0, t1),
        this.reader.tokens(t0, Math.min(this.length, t1 + 1)),
        this.reader.predictions(t0, t1),
        this.reader.steps(stream, t0, t1)
      ]);
      if (seq !== this.seq) return;
      const tokens = tokenTexts(this.corpus.text, toks.offsets, t1 - t0);
      this.data = {
        stream,
        t0,
        steps: t1 - t0,
        units: this.reader.units(stream),
        values,
        tokens,
        offsets: toks.offsets.subarray(0, t1 - t0),
        predictions,
        quantum
      };
      this.error = null;
      if (!(stream in this.extents)) this.extents[stream] = robustExtent(values);
      // The neighbouring windows, so the next pan either way reads from memory: two ahead in
      // the direction of travel (paging quickly, the next one is then already in), one behind.
      const n = t1 - t0;
      const back = t0 < this.loadedT0;
      this.loadedT0 = t0;
      const ahead = back
        ? () => this.reader.prefetch(stream, t0 - 2 * n, t0)
        : () => this.reader.prefetch(stream, t1, t1 + 2 * n);
      const behind = back
        ? () => this.reader.prefetch(stream, t1, t1 + n)
        : () => this.reader.prefetch(stream, t0 - n, t0);
      void ahead()
        .then(behind)
        .catch(() => undefined);
    } catch (e) {
      if (seq === this.seq) this.error = (e as Error).message;
    }
  }
}
