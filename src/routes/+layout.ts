// A pure client-side app: no server rendering, no prerendered pages (the SPA fallback serves all).
export const ssr = false;
export const prerender = false;
