export { topUnitsByMagnitude } from './topUnits';
export type { UnitValue } from './topUnits';
export { robustExtent } from './extent';
