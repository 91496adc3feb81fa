import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { availableParallelism } from 'node:os';
import { defineConfig, type Plugin } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

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

/**
 * Vitest's default order (without a results cache, as in CI: the largest files first) starts a
 * few small but slow files last, and one of them then runs alone at the end while the other worker
 * idles. These files (the slowest, measured on the 2-core machine) start first, slowest first.
 */
const SLOWEST_FIRST = [
  'tests/unit/modelCard.test.ts',
  'tests/unit/recorder.test.ts',
  'tests/unit/storeRecording.test.ts',
  'tests/unit/shardsDask.test.ts',
  'tests/unit/rankUnitsXarray.test.ts',
  'tests/unit/cli.test.ts',
  'tests/unit/gateTaps.test.ts',
  'tests/unit/gateSaturationCodes.test.ts'
];

const rank = (spec: TestSpecification) => {
  const at = SLOWEST_FIRST.findIndex((f) => spec.moduleId.endsWith(f));
  return at < 0 ? SLOWEST_FIRST.length : at;
};

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
      .map(({ spec }) => spec);
  }
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
    // Vitest's default is one worker fewer than the cores: one worker on the 2-core CI machine,
    // which leaves a core idle while a test waits for a process or a worker. Two at least.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SlowFirstSequencer },
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
