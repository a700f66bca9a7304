#!/usr/bin/env node
// Tiny launcher: everything lives in the bundle under dist/. run() resolves with the exit code once the
// command is finished; exiting explicitly means no idle keep-alive socket can hold the process open.
import { run } from '../dist/main.js';

const code = await run(process.argv);
process.exit(code);
