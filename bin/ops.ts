#!/usr/bin/env node
import { runCli } from '../lib/ops/cli';
import { COMMANDS } from '../lib/ops/commands';

runCli(process.argv, COMMANDS, { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
