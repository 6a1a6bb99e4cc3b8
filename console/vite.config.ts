// Build of the web console: a React single-page app served by the API process from dist/console.
// JSX goes through Vite's built-in Oxc transform (no React plugin): automatic runtime, no HMR
// refresh needed for a production build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The CSP forbids inline scripts: keep every module in a file of its own origin.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // Two pages: the staff console and the public report page (/report), each its own bundle.
    rollupOptions: {
      input: { console: fileURLToPath(new URL('index.html', import.meta.url)), report: fileURLToPath(new URL('report.html', import.meta.url)) },
    },
  },
});
