/** The units with the largest |value| at one timestep. */
export interface UnitValue {
  unit: number;
  value: number;
}

export function topUnitsByMagnitude(row: ArrayLike<number>, k: number): UnitValue[] {
  const order = Array.from({ length: row.length }, (_, u) => u);
  order.sort((a, b) => Math.abs(row[b]) - Math.abs(row[a]) || a - b);
  return order.slice(0, Math.min(k, row.length)).map((unit) => ({ unit, value: row[unit] }));
}
