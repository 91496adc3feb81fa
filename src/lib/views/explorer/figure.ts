/**
 * The explorer as a figure (PNG): title, the heatmap with its unit and time axes, the tokens
 * under it, selected units marked, and the colour legend with its values — drawn on one canvas at
 * a chosen pixel ratio (1×, 2×, 4×) so it stays crisp in a paper.
 */
import { paintHeatmap, type ColourScale } from '../colour';
import { bitmapOf, drawTransposed } from '../transposed';
import { visibleToken } from '../format';
import { OKABE_ITO } from '../palette';
import type { WindowData } from './explorer.svelte';

export interface FigureOptions {
  data: WindowData;
  scale: ColourScale;
  title: string;
  subtitle: string;
  selected: number[];
  cellWidth: number;
  ratio: number;
}

const FONT = 'system-ui, sans-serif';
const MONO = 'ui-monospace, "DejaVu Sans Mono", monospace';

export function drawFigure(o: FigureOptions): HTMLCanvasElement {
  const { data, scale } = o;
  const cell = Math.max(o.cellWidth, 4);
  const left = 56;
  const top = 64;
  const heatW = data.steps * cell;
  const heatH = Math.min(480, Math.max(160, data.units * 2));
  const tokensH = cell >= 8 ? 20 : 0;
  const legendH = 44;
  const width = Math.max(left + heatW + 24, 420);
  const height = top + heatH + tokensH + legendH + 16;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * o.ratio);
  canvas.height = Math.round(height * o.ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(o.ratio, o.ratio);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);

  ctx.fillStyle = '#1f2430';
  ctx.font = `600 15px ${FONT}`;
  ctx.fillText(o.title, 12, 22);
  ctx.font = `12px ${FONT}`;
  ctx.fillStyle = '#4b5363';
  ctx.fillText(o.subtitle, 12, 40);

  // Heatmap: one pixel per cell, scaled up without smoothing.
  const img = new ImageData(data.units, data.steps);
  paintHeatmap(data.values, data.steps, data.units, scale, img.data);
  drawTransposed(ctx, bitmapOf(img), left, top, heatW, heatH);
  ctx.strokeStyle = '#7a8191';
  ctx.strokeRect(left - 0.5, top - 0.5, heatW + 1, heatH + 1);

  // Axes: units down the left, timesteps along the top.
  ctx.font = `11px ${FONT}`;
  ctx.fillStyle = '#4b5363';
  ctx.textAlign = 'right';
  const unitStep = data.units > 200 ? 50 : data.units > 40 ? 10 : 5;
  for (let u = 0; u < data.units; u += unitStep)
    ctx.fillText(String(u), left - 6, top + ((u + 0.5) * heatH) / data.units + 4);
  ctx.textAlign = 'center';
  const timeStep = Math.max(1, Math.ceil(80 / cell / 10) * 10);
  for (let t = Math.ceil(data.t0 / timeStep) * timeStep; t < data.t0 + data.steps; t += timeStep)
    ctx.fillText(t.toLocaleString('en'), left + (t - data.t0 + 0.5) * cell, top - 6);
  ctx.save();
  ctx.translate(14, top + heatH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('unit', 0, 0);
  ctx.restore();

  // Selected units: a mark at the left of their row.
  ctx.fillStyle = OKABE_ITO.vermillion;
  for (const u of o.selected) {
    const y = top + ((u + 0.5) * heatH) / data.units;
    ctx.beginPath();
    ctx.moveTo(left - 2, y);
    ctx.lineTo(left - 8, y - 4);
    ctx.lineTo(left - 8, y + 4);
    ctx.fill();
  }

  if (tokensH) {
    ctx.font = `12px ${MONO}`;
    ctx.fillStyle = '#1f2430';
    data.tokens.forEach((tok, i) =>
      ctx.fillText(visibleToken(tok).slice(0, 2), left + (i + 0.5) * cell, top + heatH + 15)
    );
  }

  // Legend: the diverging scale with its values.
  const ly = top + heatH + tokensH + 14;
  const lw = 200;
  for (let i = 0; i < lw; i++) {
    ctx.fillStyle = scale.css(((i / (lw - 1)) * 2 - 1) * scale.extent);
    ctx.fillRect(left + i, ly, 1, 10);
  }
  ctx.fillStyle = '#4b5363';
  ctx.font = `11px ${FONT}`;
  const fmt = (v: number) => String(+v.toPrecision(3));
  ctx.fillText(fmt(-scale.extent), left, ly + 24);
  ctx.fillText('0', left + lw / 2, ly + 24);
  ctx.fillText(fmt(scale.extent), left + lw, ly + 24);
  ctx.textAlign = 'left';
  ctx.fillText(`value of ${data.stream}`, left + lw + 14, ly + 9);
  return canvas;
}

export function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('The figure could not be encoded.'))),
      'image/png'
    )
  );
}
