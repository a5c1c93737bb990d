// Bundles src/main.tsx (and the CSS it imports) into target/classes/static/, next to a copy of
// src/index.html: the three files the control plane serves at /.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const out = 'target/classes/static';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: 'src/main.tsx' },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});
copyFileSync('src/index.html', `${out}/index.html`);
