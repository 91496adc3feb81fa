import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // A pure client-side app: every route falls back to index.html.
    adapter: adapter({ fallback: 'index.html' }),
    // Emitted as a <meta> tag with hashes for SvelteKit's own inline bootstrap script.
    // 'wasm-unsafe-eval' lets onnxruntime-web compile its WASM; nothing loads from another origin.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', 'wasm-unsafe-eval'],
        'style-src': ['self', 'unsafe-inline'],
        'worker-src': ['self', 'blob:'],
        // Other origins only when the user opens a recording by URL (?src=…); the app itself never does.
        'connect-src': [
          'self',
          'blob:',
          'data:',
          'https:',
          'http://localhost:*',
          'http://127.0.0.1:*'
        ],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self']
      }
    }
  }
};

export default config;
