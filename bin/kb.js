#!/usr/bin/env node
// The `kb` entry: load the built CLI and hand it the arguments. Nothing else lives here.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
