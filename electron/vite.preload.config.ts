/**
 * Bundles the preload into one CommonJS file: a sandboxed preload may only
 * require 'electron' (and a few Node built-ins), never its own modules.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    lib: {
      entry: fileURLToPath(new URL('preload.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: 'preload',
    },
    outDir: fileURLToPath(new URL('../dist/electron', import.meta.url)),
    // tsc writes the rest of dist/electron; only add the preload next to it.
    emptyOutDir: false,
    minify: false,
    rolldownOptions: { external: ['electron'] },
  },
});
