// Builds the web UI into webui/dist, which the gateway serves at `/`. Two entries: the page
// (index.html) and the Service Worker, which must live at /sw.js (its scope is where it sits).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: { index: `${root}index.html`, sw: `${root}src/sw/sw.ts` },
      // zod's sources carry /*#__PURE__*/ comments where Rollup cannot use them; harmless.
      onwarn: (warning, warn) => { if (warning.code !== 'INVALID_ANNOTATION') warn(warning) },
      output: { entryFileNames: (chunk) => chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js' }
    }
  },
  worker: { format: 'es' }
})
