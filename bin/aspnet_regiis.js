#!/usr/bin/env node
// The emulated aspnet_regiis.exe: the real entry is compiled into dist/ by `npm run build`.
import { main } from '../dist/src/cli/aspnet-regiis.js';
import { processIo } from '../dist/src/cli/io.js';

process.exitCode = await main(process.argv.slice(2), processIo);
