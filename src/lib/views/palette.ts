/**
 * The views' accent colours: Okabe & Ito's colour-blind-safe palette, in one place. Canvas and SVG
 * code use the constants; stylesheets use the CSS custom properties `--oi-orange`, `--oi-sky-blue`,
 * … that the app shell sets from them (`paletteStyle`).
 *
 * Roles: orange — the brush and tokens shaded by selected units on; sky blue — the brush's
 * padding; bluish green — θ; vermillion — selected units and the match; blue — the hovered unit.
 */
export const OKABE_ITO = {
  orange: '#e69f00',
  skyBlue: '#56b4e9',
  bluishGreen: '#009e73',
  yellow: '#f0e442',
  blue: '#0072b2',
  vermillion: '#d55e00',
  reddishPurple: '#cc79a7',
  black: '#000000'
} as const;

const P = OKABE_ITO;

/** Categorical colours (category tracks), most distinct first. */
export const CATEGORICAL: readonly string[] = [
  P.blue,
  P.orange,
  P.bluishGreen,
  P.reddishPurple,
  P.skyBlue,
  P.vermillion,
  P.yellow,
  P.black
];

/** A `#rrggbb` colour with an alpha, as `rgba(r, g, b, a)`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Opacity of a token's shade when `on` of `k` selected units are on: stronger as more are. */
export const onOpacity = (on: number, k: number): number => 0.15 + (0.6 * on) / k;

/** A token's background when `on` of `k` selected units are on; null when none is. */
export const onShade = (on: number, k: number): string | null =>
  on && k ? withAlpha(P.orange, onOpacity(on, k)) : null;

/** The palette as CSS custom properties (`--oi-sky-blue: #56b4e9; …`), for a style attribute. */
export const paletteStyle: string = Object.entries(OKABE_ITO)
  .map(([name, hex]) => `--oi-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${hex}`)
  .join('; ');
