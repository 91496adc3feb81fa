import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * COOP/COEP make the page cross-origin isolated, which SharedArrayBuffer (and so
 * onnxruntime-web's WASM threads) requires. Vite's `server.headers` is not applied to
 * SvelteKit's responses, so a middleware sets them for dev and preview alike.
 */
function crossOriginIsolation(): Plugin {
  const setHeaders = (
    _req: unknown,
    res: { setHeader(name: string, value: string): void },
    next: () => void
  ) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    next();
  };
  return {
    name: 'cellscope-cross-origin-isolation',
    configureServer(server) {
      server.middlewares.use(setHeaders);
    },
    configurePreviewServer(server) {
      server.middlewares.use(setHeaders);
    }
  };
}

export default defineConfig({
  plugins: [crossOriginIsolation(), sveltekit()],
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  // The demo model is imported from models/ (`?url`): let the dev server serve it as a file,
  // or SvelteKit answers the request first and logs a 404 before Vite's fallback serves it.
  server: { fs: { allow: ['models'] } },
  worker: { format: 'es' },
  build: { chunkSizeWarningLimit: 2000 },
  preview: { port: 4173, strictPort: true },
  test: {
    expect: { requireAssertions: true },
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          exclude: ['src/**/*.svelte.test.ts'],
          environment: 'node'
        }
      },
      {
        // Components rendered in jsdom (Svelte's browser build) with @testing-library/svelte.
        extends: true,
        plugins: [svelteTesting()],
        test: {
          name: 'component',
          include: ['src/**/*.svelte.test.ts'],
          environment: 'jsdom',
          setupFiles: ['tests/helpers/canvas2d.ts']
        }
      }
    ]
  }
});
