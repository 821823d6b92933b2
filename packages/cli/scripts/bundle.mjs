/**
 * Bundles the `gridscale` executable: dist/bin.js, and the program it starts in dist/chunks/, so
 * that a cold start reads a few files instead of several hundred modules.
 *
 * The program (src/main.ts) is split: each command is a dynamic import and so a chunk of its own,
 * read only when the command is asked for; code the commands share (the client, `@effect/cli`,
 * effect) sits in shared chunks. Split this way, a chunk's modules are plain top-level code that
 * V8 compiles as it runs: in one file, esbuild wraps every module in a function to run it lazily,
 * and with minified names that wrapper (`x(()=>{...})`) is compiled eagerly, the whole 640 KB on
 * every start.
 *
 * esbuild splits ES modules only; each chunk is then turned into a script,
 * `(function (exports, require, module) { ... })`, imports into `require` calls (dynamic ones
 * too), so that bin.js can compile it with V8's code cache (src/codeCache.ts), which `vm.Script`
 * takes and Node 20's module loaders do not. bin.js itself is bundled on its own: Node's modules
 * and the loader, nothing else.
 *
 * `@effect/cli` reads YAML, TOML and INI configuration files in `Options.fileParse`, which this CLI
 * does not use: those parsers are left out, and fail loudly if anything ever asks for them.
 */
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"

const root = Path.resolve(import.meta.dirname, "..")
const dist = Path.join(root, "dist")
const { version } = JSON.parse(Fs.readFileSync(Path.join(root, "package.json"), "utf8"))

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

/** What both builds (the program and bin.js) share. */
const bundled = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  logLevel: "warning"
}

const program = await esbuild.build({
  ...bundled,
  entryPoints: { main: Path.join(root, "src/main.ts") },
  outdir: dist,
  write: false,
  splitting: true,
  // Names carry a hash of the content: the code cache tells builds apart by them.
  entryNames: "chunks/[name]-[hash]",
  chunkNames: "chunks/[name]-[hash]",
  // Non-ASCII characters as escapes: the loader reads the chunks as latin1, without a UTF-8 scan.
  charset: "ascii",
  plugins: [unusedParsers]
})

// Chunk names carry a hash of their content: those of an earlier build would stay beside the new.
Fs.rmSync(Path.join(dist, "chunks"), { recursive: true, force: true })
Fs.mkdirSync(Path.join(dist, "chunks"), { recursive: true })

let main
for (const file of program.outputFiles) {
  const name = Path.relative(Path.join(dist, "chunks"), file.path)
  if (name.startsWith("main-")) main = name
  // Imports become `require` calls, `import()` a promise of one: the loader's `require`, given as
  // a parameter (bundled CommonJS dependencies call it for Node's modules too).
  const { code } = await esbuild.transform(file.text, {
    format: "cjs",
    platform: "node",
    target: "node20",
    supported: { "dynamic-import": false },
    minify: true,
    charset: "ascii",
    logLevel: "warning"
  })
  const script = `(function(exports,require,module){${code}\n})`
  if (!/^[\x00-\x7f]*$/.test(script)) throw new Error(`${name} is not ASCII`)
  Fs.writeFileSync(file.path, script)
}
if (main === undefined) throw new Error("esbuild wrote no main chunk")

await esbuild.build({
  ...bundled,
  entryPoints: [Path.join(root, "src/bin.ts")],
  outfile: Path.join(dist, "bin.js"),
  define: { GRIDSCALE_MAIN_CHUNK: JSON.stringify(main), GRIDSCALE_VERSION: JSON.stringify(version) }
})
