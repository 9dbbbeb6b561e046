#!/usr/bin/env node
// The `troupe-bench` bin (and `npm run bench -- load …`): runs the load tool's command line (main.ts)
// and exits with its code.
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
