/**
 * Figure 6 of `npm run bench`: a fresh `node` process imports the built package (compiled once
 * into node_modules/.cache, so a stale `dist/` is never measured) and builds the live layer.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import { summarize, type Summary } from "./lib.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const outDir = fileURLToPath(new URL("../node_modules/.cache/effect-gridscale-bench/dist", import.meta.url))

const script = (entry: string) => `
const t0 = performance.now()
const { Gridscale, GridscaleConfig } = await import(${JSON.stringify(entry)})
const FetchHttpClient = await import("@effect/platform/FetchHttpClient")
const Effect = await import("effect/Effect")
const Layer = await import("effect/Layer")
const t1 = performance.now()
const live = Gridscale.layer.pipe(
  Layer.provide(GridscaleConfig.layer({ userId: "bench-user", token: "bench-token" })),
  Layer.provide(FetchHttpClient.layer)
)
await Effect.runPromise(Effect.scoped(Effect.flatMap(Layer.build(live), (context) => Effect.succeed(context))))
const t2 = performance.now()
console.log(JSON.stringify({ importMs: t1 - t0, buildMs: t2 - t1, totalMs: t2 }))
`

export const coldStart = (samples: number): { importMs: Summary; buildMs: Summary; totalMs: Summary } => {
  mkdirSync(outDir, { recursive: true })
  execFileSync(process.execPath, [
    fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url)),
    "-p",
    "tsconfig.build.json",
    "--outDir",
    outDir,
    "--declaration",
    "false",
    "--declarationMap",
    "false",
    "--sourceMap",
    "false"
  ], { cwd: root, stdio: "inherit" })
  const entry = pathToFileURL(`${outDir}/index.js`).href
  const runs: Array<{ importMs: number; buildMs: number; totalMs: number }> = []
  for (let i = 0; i < samples; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script(entry)], {
      cwd: root,
      timeout: 30_000,
      encoding: "utf8"
    })
    runs.push(JSON.parse(out.trim().split("\n").at(-1)!))
  }
  return {
    importMs: summarize(runs.map((r) => r.importMs)),
    buildMs: summarize(runs.map((r) => r.buildMs)),
    totalMs: summarize(runs.map((r) => r.totalMs))
  }
}
