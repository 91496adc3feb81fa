/** The built app's preview server, for the browser benchmarks (Chromium flags: chromiumFlags.ts). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** `vite preview` of the built app on a port, ready when this resolves; stop() ends it. */
export async function previewServer(
  root: string,
  port: number
): Promise<{ url: string; stop: () => void }> {
  const server = spawn(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort'
    ],
    { cwd: root, stdio: 'ignore', detached: true }
  );
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    const up = await fetch(url).then(
      () => true,
      () => false
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () => {
      try {
        process.kill(-server.pid!);
      } catch {
        // already gone
      }
    }
  };
}

/** The port of a bench's server: BENCH_PORT when set (the benches run one at a time), else its own. */
export const benchPort = (own: number): number => Number(process.env.BENCH_PORT ?? own);
