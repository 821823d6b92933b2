/**
 * Bundles the `gridscale` executable into one file, dist/bin.js, so that a cold start reads one
 * module instead of several hundred. The commands stay lazy: each is a dynamic import, which
 * esbuild keeps as code that runs only when the command is asked for.
 *
 * `@effect/cli` reads YAML, TOML and INI configuration files in `Options.fileParse`, which this CLI
 * does not use: those parsers are left out, and fail loudly if anything ever asks for them.
 */
import * as esbuild from "esbuild"
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

await esbuild.build({
  entryPoints: [Path.join(root, "src/bin.ts")],
  outfile: Path.join(root, "dist/bin.js"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  plugins: [unusedParsers],
  // Some dependencies are CommonJS and call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __gridscaleRequire } from \"node:module\"; " +
      "const require = __gridscaleRequire(import.meta.url);"
  },
  logLevel: "warning"
})
