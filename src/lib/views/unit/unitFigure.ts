/**
 * The unit page as a figure (PNG): title and statistics, the value histogram (and inside vs
 * outside the chosen track), the highest, lowest and typical contexts with their tokens shaded by
 * value and the step's token outlined, the tokens that push the unit up and down, its direct
 * effect on the logits, and the colour legend — one canvas at a chosen pixel ratio.
 */
import type { UnitProfileResult, UnitContext } from '../../query/runUnitProfile';
import type { ColourScale } from '../colour';
import { fmtInt } from '../format';
import { OKABE_ITO } from '../palette';
import { contextTokens, fmtValue } from './unitView';

export interface UnitFigureOptions {
  result: UnitProfileResult;
  title: string;
  subtitle: string;
  text: string;
  scale: ColourScale;
  splitLabel: string | null;
  labelOf: (id: number) => string;
  ratio: number;
}

const FONT = 'system-ui, sans-serif';
const MONO = 'ui-monospace, "DejaVu Sans Mono", monospace';
const INK = '#1f2430';
const INK2 = '#4b5363';
const WIDTH = 1180;
const COL = 570;
const ROW = 17;

type Ctx = CanvasRenderingContext2D;

export function drawUnitFigure(o: UnitFigureOptions): HTMLCanvasElement {
  const r = o.result;
  const p = r.profile;
  const top = r.contexts.filter((c) => c.kind === 'top');
  const bottom = r.contexts.filter((c) => c.kind === 'bottom');
  const bands = r.contexts.filter((c) => c.kind === 'band');
  const listRows = Math.max(top.length, bottom.length);
  const height =
    70 + 190 + 24 + listRows * ROW + 30 + Math.ceil(bands.length / 2) * ROW + 40 + 11 * 15 + 60;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(WIDTH * o.ratio);
  canvas.height = Math.round(height * o.ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(o.ratio, o.ratio);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, WIDTH, height);
  text(ctx, o.title, 16, 24, `600 16px ${FONT}`, INK);
  text(ctx, o.subtitle, 16, 44, `12px ${FONT}`, INK2);
  const stats = p.constant
    ? `constant: ${fmtValue(p.min)} at every step`
    : `mean ${fmtValue(p.mean)} · sd ${fmtValue(p.std)} · median ${fmtValue(p.median)} · min ${fmtValue(p.min)} · max ${fmtValue(p.max)}`;
  text(ctx, stats, 16, 62, `12px ${FONT}`, INK2);

  let y = 80;
  if (!p.constant) {
    histogram(ctx, p.edges, [{ counts: p.overall, colour: '#5b6b86' }], 16, y, COL, 160);
    text(ctx, `all ${fmtInt(p.steps)} steps`, 72, y + 8, `12px ${FONT}`, INK2);
    if (p.split && o.splitLabel && p.split.nIn && p.split.nOut) {
      const series = [
        { counts: p.split.inside, colour: OKABE_ITO.orange },
        { counts: p.split.outside, colour: OKABE_ITO.blue }
      ];
      histogram(ctx, p.edges, series, 16 + COL + 24, y, COL, 160);
      text(
        ctx,
        `${o.splitLabel} (orange) vs not (blue), shares`,
        60 + COL + 24,
        y + 8,
        `12px ${FONT}`,
        INK2
      );
    }
  }
  y += 190;
  text(ctx, 'Highest', 16, y, `600 13px ${FONT}`, INK);
  text(ctx, 'Lowest', 16 + COL + 24, y, `600 13px ${FONT}`, INK);
  y += 8;
  top.forEach((c, i) => context(ctx, o, c, 16, y + (i + 1) * ROW));
  bottom.forEach((c, i) => context(ctx, o, c, 16 + COL + 24, y + (i + 1) * ROW));
  y += listRows * ROW + 30;
  text(
    ctx,
    'Typical (random steps from bands of equal size by value)',
    16,
    y,
    `600 13px ${FONT}`,
    INK
  );
  y += 8;
  // Column by column, so the bands read from low to high down the left, then the right.
  const half = Math.ceil(bands.length / 2);
  bands.forEach((c, i) =>
    context(ctx, o, c, 16 + Math.floor(i / half) * (COL + 24), y + ((i % half) + 1) * ROW)
  );
  y += Math.ceil(bands.length / 2) * ROW + 34;
  tables(ctx, o, y);
  legend(ctx, o.scale, 40, height - 34, `value of unit ${r.unit}`);
  return canvas;
}

function text(ctx: Ctx, s: string, x: number, y: number, font: string, colour: string) {
  ctx.font = font;
  ctx.fillStyle = colour;
  ctx.fillText(s, x, y);
}

function histogram(
  ctx: Ctx,
  edges: number[],
  series: { counts: number[]; colour: string }[],
  x0: number,
  y0: number,
  w: number,
  h: number
) {
  const [lo, hi] = [edges[0], edges[edges.length - 1]];
  const X = (v: number) => x0 + 40 + ((v - lo) / (hi - lo)) * (w - 50);
  const shares = series.map((s) => {
    const n = s.counts.reduce((a, b) => a + b, 0) || 1;
    return s.counts.map((c) => (series.length > 1 ? c / n : c));
  });
  const max = Math.max(1e-12, ...shares.flat());
  const Y = (v: number) => y0 + h - 18 - (v / max) * (h - 30);
  series.forEach((s, j) => {
    ctx.fillStyle = s.colour;
    ctx.globalAlpha = series.length > 1 ? 0.45 : 1;
    shares[j].forEach((v, i) => {
      if (v > 0)
        ctx.fillRect(
          X(edges[i]) + 0.5,
          Y(v),
          Math.max(0.5, X(edges[i + 1]) - X(edges[i]) - 1),
          Y(0) - Y(v)
        );
    });
  });
  ctx.globalAlpha = 1;
  ctx.strokeStyle = '#7a8191';
  ctx.beginPath();
  ctx.moveTo(X(lo), Y(0) + 0.5);
  ctx.lineTo(X(hi), Y(0) + 0.5);
  ctx.stroke();
  ctx.textAlign = 'center';
  for (const v of [lo, (lo + hi) / 2, hi])
    text(ctx, fmtValue(v), X(v), Y(0) + 14, `11px ${FONT}`, INK2);
  // The tallest bar's height, at the top of the value axis.
  ctx.textAlign = 'right';
  const tallest = series.length > 1 ? `${Math.round(100 * max)}%` : fmtInt(max);
  text(ctx, tallest, X(lo) - 4, Y(max) + 4, `11px ${FONT}`, INK2);
  text(ctx, '0', X(lo) - 4, Y(0) + 4, `11px ${FONT}`, INK2);
  ctx.textAlign = 'left';
}

/** A context row: its value, then its tokens shaded, the step's token outlined at a fixed x. */
function context(ctx: Ctx, o: UnitFigureOptions, c: UnitContext, x0: number, y: number) {
  ctx.textAlign = 'right';
  text(ctx, fmtValue(c.value), x0 + 50, y, `600 11px ${FONT}`, INK);
  ctx.textAlign = 'left';
  ctx.font = `12px ${MONO}`;
  const tokens = contextTokens(c, o.text);
  const widths = tokens.map((t) => ctx.measureText(t).width + 1);
  const at = c.t - c.from;
  const centre = x0 + 60 + (COL - 60) / 2;
  let x = centre - widths.slice(0, at).reduce((a, b) => a + b, 0) - widths[at] / 2;
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0 + 58, y - 13, COL - 58, ROW);
  ctx.clip();
  tokens.forEach((t, i) => {
    const v = c.values[i];
    ctx.fillStyle = o.scale.css(v);
    ctx.fillRect(x, y - 12, widths[i], 16);
    ctx.fillStyle = Math.abs(v) > 0.6 * o.scale.extent ? '#fff' : INK;
    ctx.fillText(t, x + 0.5, y);
    if (i === at) {
      ctx.strokeStyle = INK;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(x + 0.75, y - 11.25, widths[i] - 1.5, 14.5);
    }
    x += widths[i];
  });
  ctx.restore();
}

function tables(ctx: Ctx, o: UnitFigureOptions, y0: number) {
  const r = o.result;
  const cols: { title: string; rows: string[] }[] = [];
  if (r.tokens) {
    const row = (t: { id: number; mean: number; count: number }) =>
      `${o.labelOf(t.id).padEnd(6)} ${fmtValue(t.mean).padStart(7)}  n ${fmtInt(t.count)}`;
    cols.push({ title: 'Pushes it up (mean after token)', rows: r.tokens.up.map(row) });
    cols.push({ title: 'Pushes it down', rows: r.tokens.down.map(row) });
  }
  if ('effect' in r.head) {
    const row = (w: { id: number; weight: number }) =>
      `${o.labelOf(w.id).padEnd(6)} ${fmtValue(w.weight).padStart(7)}`;
    cols.push({ title: 'Promotes (head weight)', rows: r.head.effect.promoted.map(row) });
    cols.push({ title: 'Suppresses', rows: r.head.effect.suppressed.map(row) });
  }
  cols.forEach((c, i) => {
    const x = 16 + i * 290;
    text(ctx, c.title, x, y0, `600 13px ${FONT}`, INK);
    c.rows.forEach((s, j) => text(ctx, s, x, y0 + 18 + j * 15, `12px ${MONO}`, INK));
  });
}

function legend(ctx: Ctx, scale: ColourScale, x: number, y: number, label: string) {
  const w = 200;
  for (let i = 0; i < w; i++) {
    ctx.fillStyle = scale.css(((i / (w - 1)) * 2 - 1) * scale.extent);
    ctx.fillRect(x + i, y, 1, 10);
  }
  ctx.textAlign = 'center';
  text(ctx, fmtValue(-scale.extent), x, y + 24, `11px ${FONT}`, INK2);
  text(ctx, '0', x + w / 2, y + 24, `11px ${FONT}`, INK2);
  text(ctx, fmtValue(scale.extent), x + w, y + 24, `11px ${FONT}`, INK2);
  ctx.textAlign = 'left';
  text(
    ctx,
    `${label} (blue low, red high); the step's token outlined`,
    x + w + 16,
    y + 9,
    `11px ${FONT}`,
    INK2
  );
}
