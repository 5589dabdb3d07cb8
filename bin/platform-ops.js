#!/usr/bin/env node
// The `platform-ops` command of package.json's bin: runs bin/ops.ts through tsx.
require('tsx/cjs');
require('./ops.ts');
