#!/usr/bin/env node
/**
 * The `gridscale` executable: starts the bundled program (dist/chunks/, see scripts/bundle.mjs)
 * through the code cache (codeCache.ts), and writes the cache at exit when it had none to use.
 * The build replaces the two names below; this file is kept to Node's own modules, so that it
 * is read and compiled in no time.
 */
import * as CodeCache from "./codeCache.js"

/** The chunk of main.ts: its name carries a hash of its content. Set by the build. */
declare const GRIDSCALE_MAIN_CHUNK: string
/** The package's version. Set by the build. */
declare const GRIDSCALE_VERSION: string

// As in codeCache.ts, Node's modules without a module facade each.
const Path = process.getBuiltinModule("node:path")
const { fileURLToPath } = process.getBuiltinModule("node:url")

const chunks = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "chunks")
const loader = CodeCache.make(chunks, CodeCache.directory(process.env, GRIDSCALE_VERSION))
// `exit` runs on every way out: main.ts ends the process with process.exit once its output is written.
process.once("exit", loader.save)
loader.load(GRIDSCALE_MAIN_CHUNK)
