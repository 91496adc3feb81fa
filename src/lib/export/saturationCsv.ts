/** Gate saturation as CSV: one row per layer, gate and unit, fractions and step counts. Pure code. */
import type { GateSaturation } from '../analysis/gateSaturation';

export function saturationCsv(layers: { layer: string; gates: GateSaturation[] }[]): string {
  const rows = ['stream,unit,steps,shut_fraction,open_fraction,shut_steps,open_steps'];
  for (const l of layers)
    for (const g of l.gates)
      g.left.forEach((left, u) => {
        const right = g.right[u];
        const [ls, rs] = [Math.round(left * g.steps), Math.round(right * g.steps)];
        rows.push(`${g.stream},${u},${g.steps},${left},${right},${ls},${rs}`);
      });
  return rows.join('\n') + '\n';
}
