/**
 * Bundles the `gridscale` executable: dist/bin.js and the chunks it loads (dist/chunks/), so that a
 * cold start reads a few modules instead of several hundred. Each command is a dynamic import and
 * so a chunk of its own, read only when the command is asked for; code the commands share (the
 * client, `@effect/cli`, effect) sits in shared chunks. Split this way, a chunk's modules are plain
 * top-level code that V8 compiles as it runs: in one file, esbuild wraps every module in a
 * function to run it lazily, and with minified names that wrapper (`x(()=>{...})`) is compiled
 * eagerly, the whole 640 KB on every start.
 *
 * `@effect/cli` reads YAML, TOML and INI configuration files in `Options.fileParse`, which this CLI
 * does not use: those parsers are left out, and fail loudly if anything ever asks for them.
 */
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"

const root = Path.resolve(import.meta.dirname, "..")

const unusedParsers = {
  name: "unused-config-parsers",
  setup(build) {
    build.onResolve({ filter: /^(yaml|toml|ini)$/ }, (args) => ({ path: args.path, namespace: "unused" }))
    build.onLoad({ filter: /.*/, namespace: "unused" }, (args) => ({
      contents: `export const parse = () => { throw new Error("gridscale is built without the ${args.path} parser") }`,
      loader: "js"
    }))
  }
}

// Chunk names carry a hash of their content: those of an earlier build would stay beside the new.
Fs.rmSync(Path.join(root, "dist/chunks"), { recursive: true, force: true })

await esbuild.build({
  entryPoints: { bin: Path.join(root, "src/bin.ts") },
  outdir: Path.join(root, "dist"),
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  plugins: [unusedParsers],
  // Some dependencies are CommonJS and call require(): give each of the ES modules one.
  banner: {
    js: "import { createRequire as __gridscaleRequire } from \"node:module\"; " +
      "const require = __gridscaleRequire(import.meta.url);"
  },
  logLevel: "warning"
})
