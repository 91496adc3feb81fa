/**
 * The select view and the match results as standalone SVG documents (vector figures for papers).
 * Pure string building: every text is escaped, so corpus text and titles stay text.
 */
import type { Match } from '../../analysis/matchScore';
import { visibleToken } from '../format';
import { OKABE_ITO as OI, onOpacity } from '../palette';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`
  );
const num = (x: number) => +x.toFixed(2);

export interface SelectSvgInput {
  title: string;
  values: Float32Array;
  steps: number;
  units: number;
  t0: number;
  tokens: string[];
  selected: number[];
  threshold: number;
  brush: [number, number] | null;
  padLeft: number;
  padRight: number;
}

/** Every unit as a faint polyline, selected units on top, θ, the brush and its padding, tokens. */
export function selectViewSvg(o: SelectSvgInput): string {
  const cell = 12;
  const [left, top, h] = [48, 40, 240];
  const width = left + o.steps * cell + 16;
  const height = top + h + 40;
  let lo = o.threshold;
  let hi = o.threshold;
  for (const v of o.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const y = (v: number) => num(top + h - ((v - lo) / (hi - lo || 1)) * h);
  const x = (i: number) => num(left + (i + 0.5) * cell);
  const line = (u: number) =>
    Array.from({ length: o.steps }, (_, i) => `${x(i)},${y(o.values[i * o.units + u])}`).join(' ');
  const chosen = new Set(o.selected);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="600">${esc(o.title)}</text>`
  ];
  if (o.brush) {
    const bx = (t: number) => num(left + (t - o.t0) * cell);
    const [b0, b1] = o.brush;
    parts.push(
      `<rect x="${bx(b0 - o.padLeft)}" y="${top}" width="${o.padLeft * cell}" height="${h}" fill="${OI.skyBlue}" fill-opacity="0.16"/>`,
      `<rect x="${bx(b1)}" y="${top}" width="${o.padRight * cell}" height="${h}" fill="${OI.skyBlue}" fill-opacity="0.16"/>`,
      `<rect x="${bx(b0)}" y="${top}" width="${(b1 - b0) * cell}" height="${h}" fill="${OI.orange}" fill-opacity="0.22" stroke="${OI.orange}"/>`
    );
  }
  const alpha = num(Math.min(0.5, 1.2 / Math.sqrt(o.units)));
  parts.push(`<g fill="none" stroke="#5a6270" stroke-opacity="${alpha}" stroke-width="1">`);
  for (let u = 0; u < o.units; u++)
    if (!chosen.has(u)) parts.push(`<polyline points="${line(u)}"/>`);
  parts.push(`</g><g fill="none" stroke="${OI.vermillion}" stroke-width="1.6">`);
  for (const u of o.selected) parts.push(`<polyline data-unit="${u}" points="${line(u)}"/>`);
  parts.push(
    `</g>`,
    `<line x1="${left}" x2="${width - 16}" y1="${y(o.threshold)}" y2="${y(o.threshold)}" stroke="${OI.bluishGreen}" stroke-dasharray="5 3"/>`,
    `<text x="${left + 4}" y="${y(o.threshold) - 4}" font-size="11" fill="#00684c">θ = ${o.threshold}</text>`,
    `<g font-size="11" fill="#4b5363" text-anchor="end">`,
    `<text x="${left - 6}" y="${y(hi) + 4}">${num(hi)}</text><text x="${left - 6}" y="${y(lo) + 4}">${num(lo)}</text></g>`,
    `<g font-family="monospace" font-size="11" text-anchor="middle">`,
    ...o.tokens.map(
      (t, i) => `<text x="${x(i)}" y="${top + h + 18}">${esc(visibleToken(t))}</text>`
    ),
    `</g></svg>`
  );
  return parts.join('\n');
}

export interface MatchRowSvg {
  match: Match;
  t0: number;
  tokens: string[];
  counts: Uint16Array;
}

/** Match rows aligned at the match start, shaded by selected units on. */
export function matchesSvg(title: string, rows: MatchRowSvg[], context: number, k: number): string {
  const cell = 11;
  const rowH = 18;
  const left = 70;
  const width = left + (2 * context + 30) * cell;
  const height = 36 + rows.length * rowH + 8;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="600">${esc(title)}</text>`
  ];
  rows.forEach((r, n) => {
    const y = 32 + n * rowH;
    const pad = context - (r.match.start - r.t0);
    parts.push(`<text x="8" y="${y + 13}" font-size="10" fill="#7a8191">${r.match.start}</text>`);
    r.tokens.forEach((tok, i) => {
      const x = left + (pad + i) * cell;
      const t = r.t0 + i;
      if (r.counts[i])
        parts.push(
          `<rect x="${x}" y="${y}" width="${cell}" height="${rowH - 2}" fill="${OI.orange}" fill-opacity="${num(onOpacity(r.counts[i], k))}"/>`
        );
      if (t >= r.match.start && t < r.match.end)
        parts.push(
          `<rect x="${x}" y="${y + rowH - 3}" width="${cell}" height="2" fill="${OI.vermillion}"/>`
        );
      parts.push(
        `<text x="${x + cell / 2}" y="${y + 12}" font-family="monospace" font-size="11" text-anchor="middle">${esc(visibleToken(tok))}</text>`
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The inspector at one token: its units by |value| as bars, selected ones marked. */
export function inspectorSvg(
  title: string,
  token: string,
  t: number,
  top: { unit: number; value: number }[],
  selected: number[],
  extent: number,
  colour: (v: number) => string,
  /** a unit's value as text (at the precision it is stored with) */
  fmt: (unit: number, value: number) => string = (_u, v) => v.toFixed(4)
): string {
  const rowH = 16;
  const width = 360;
  const height = 56 + top.length * rowH + 8;
  const mid = 220;
  const half = 110;
  const picked = new Set(selected);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="600">${esc(title)}</text>`,
    `<text x="8" y="40" font-size="12">token <tspan font-family="monospace">${esc(visibleToken(token))}</tspan> at t = ${t}</text>`,
    `<line x1="${mid}" x2="${mid}" y1="48" y2="${height - 8}" stroke="#7a8191"/>`
  ];
  top.forEach(({ unit, value }, i) => {
    const y = 52 + i * rowH;
    const w = num((half * Math.min(Math.abs(value), extent)) / extent);
    parts.push(
      `<text x="8" y="${y + 11}" font-size="11"${picked.has(unit) ? ' fill="#8f3f00" font-weight="600"' : ''}>${picked.has(unit) ? '● ' : ''}unit ${unit}</text>`,
      `<text x="150" y="${y + 11}" font-size="11" text-anchor="end">${esc(fmt(unit, value))}</text>`,
      `<rect x="${value < 0 ? num(mid - w) : mid}" y="${y + 2}" width="${w}" height="${rowH - 5}" fill="${colour(value)}"/>`
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Rasterise an SVG document to a PNG-ready canvas at a pixel ratio (DOM). */
export async function svgToCanvas(svg: string, ratio: number): Promise<HTMLCanvasElement> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(img.width * ratio);
    canvas.height = Math.round(img.height * ratio);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(ratio, ratio);
    ctx.drawImage(img, 0, 0);
    return canvas;
  } finally {
    URL.revokeObjectURL(url);
  }
}
