/**
 * Names of exported files: what they hold, readable in a folder listing, and the same for the same
 * export. `code-lstm_stb_c_lexer_L1.fwd.h_t1671-1794_2026-12-01.npy` — model and corpus (file
 * extensions dropped), stream, the steps shown (first–last, as the explorer writes them), the date
 * the recording was made, and what the file is (`_units.csv`, `_select.svg`, `.finding.json`).
 * Pure code.
 */

export interface NameSource {
  model: string;
  corpus: string;
  /** when the recording was made (ms since the epoch, or a Date) */
  recorded?: number | Date | null;
}

export interface NameParts {
  stream?: string | null;
  /** steps [t0, t1) the file shows; written t{t0}-{t1 - 1} */
  window?: [number, number] | null;
  /** one step the file shows (the inspector) */
  at?: number | null;
  /** what the file is, after the name: `units`, `select`, `matches` (none: the window itself) */
  kind?: string | null;
  /** extension, without the dot (`npy`, `png`, `finding.json`) */
  ext: string;
}

/** A name part: its file extension dropped, anything but letters, digits, . _ - made a dash. */
const part = (s: string, dropExt = false) =>
  (dropExt ? s.replace(/\.[A-Za-z0-9]{1,5}$/, '') : s)
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);

/** A date as YYYY-MM-DD (local time). */
export function isoDay(d: number | Date): string {
  const x = new Date(d);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${x.getFullYear()}-${pad(x.getMonth() + 1)}-${pad(x.getDate())}`;
}

export function exportName(src: NameSource, p: NameParts): string {
  const parts = [part(src.model, true), part(src.corpus, true)];
  if (p.stream) parts.push(part(p.stream));
  if (p.window && p.window[1] > p.window[0]) parts.push(`t${p.window[0]}-${p.window[1] - 1}`);
  else if (p.at !== null && p.at !== undefined) parts.push(`t${p.at}`);
  if (src.recorded !== null && src.recorded !== undefined) parts.push(isoDay(src.recorded));
  if (p.kind) parts.push(part(p.kind));
  return `${parts.filter(Boolean).join('_') || 'cellscope'}.${p.ext}`;
}

/** Exports of the whole recording (no window in their name), and of the hovered step. */
const WHOLE = new Set(['matches', 'rank']);
const AT = new Set(['inspector']);

/**
 * The name of an export from the explorer: `kind` null or `finding` and the window's views name
 * the window in view; `inspector` the hovered step; `matches` and `rank…` the stream only.
 */
export function viewExportName(
  src: NameSource,
  view: { stream: string; t0: number; steps: number; hoverT: number | null },
  kind: string | null,
  ext: string
): string {
  const base = kind?.split('-')[0] ?? '';
  const window: [number, number] = [view.t0, view.t0 + view.steps];
  return exportName(src, {
    stream: view.stream,
    window: WHOLE.has(base) || AT.has(base) ? null : window,
    at: AT.has(base) ? view.hoverT : null,
    kind: kind === 'finding' ? null : kind,
    ext: kind === 'finding' ? `finding.${ext}` : ext
  });
}

/**
 * Model and corpus names for a recording: as given, else from its name ("model × corpus", or
 * "model · store" for a recording opened by URL).
 */
export function nameSourceOf(
  recording: { name: string; createdAt?: number },
  model = '',
  corpus = ''
): NameSource {
  const [m, c = ''] = recording.name.split(/ [×·] /);
  return { model: model || m, corpus: corpus || c, recorded: recording.createdAt ?? null };
}

/** What an explorer panel asks for: an export's kind and extension (and its stream, if not the one in view). */
export type ExportFileName = (p: { kind: string | null; ext: string; stream?: string }) => string;
