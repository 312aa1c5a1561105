#!/usr/bin/env node
// The `berth` command: the compiled CLI when built (`npm run build`), else the
// TypeScript source through tsx, as in a fresh checkout.
const fs = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (fs.existsSync(compiled)) {
  require(compiled);
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'src', 'cli', 'main.ts'));
}
