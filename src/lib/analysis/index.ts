export { topUnitsByMagnitude } from './topUnits';
export type { UnitValue } from './topUnits';
