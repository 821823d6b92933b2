/**
 * Figure 4 of `npm run bench`: what a new process pays.
 *
 * - The `gridscale` CLI as installed (`packages/cli/dist/bin.js`): one `locations list` against
 *   the loopback simulator, timed from spawning `node` to its exit; on the V8 code cache the CLI
 *   keeps (every start after the first), and the first-ever start, which writes it.
 * - The root entry (`dist/index.js`): a new `node` imports the `effect` and `@effect/platform`
 *   barrels and then the root entry; the figure is what the root entry adds, its own import
 *   after the barrels, timed inside the process (median of the runs).
 *
 * What is measured is what users run: `dist/` when it is newer than every source; otherwise the
 * bench first runs `npm run build` (not timed) and says so.
 */
import { execFile, execFileSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { credentials, summarize, type Summary } from "./lib.js"

const root = fileURLToPath(new URL("..", import.meta.url))
export const cliBin = join(root, "packages/cli/dist/bin.js")
export const rootEntry = join(root, "dist/index.js")

const newest = (dir: string, pattern: RegExp): number => {
  if (!existsSync(dir)) return 0
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, pattern))
    else if (pattern.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs)
  }
  return latest
}

const mtime = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : 0)

/** Whether the built root entry and CLI are at least as new as their sources. */
export const builtIsFresh = (): { fresh: boolean; why: string } => {
  const sources = Math.max(newest(join(root, "src"), /\.ts$/), newest(join(root, "packages/cli/src"), /\.ts$/))
  if (!existsSync(rootEntry)) return { fresh: false, why: "dist/index.js is missing" }
  if (!existsSync(cliBin)) return { fresh: false, why: "packages/cli/dist/bin.js is missing" }
  if (mtime(rootEntry) < newest(join(root, "src"), /\.ts$/)) return { fresh: false, why: "dist/ is older than src/" }
  if (mtime(cliBin) < sources) return { fresh: false, why: "the CLI's dist/ is older than its sources" }
  return { fresh: true, why: "" }
}

/** Runs `npm run build`; the time it took, in ms. Throws with the build's output if it fails. */
export const build = (): number => {
  const t0 = performance.now()
  try {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "pipe", encoding: "utf8", timeout: 300_000 })
  } catch (error: any) {
    throw new Error(`npm run build failed:\n${String(error.stdout ?? "")}${String(error.stderr ?? "")}`)
  }
  return performance.now() - t0
}

const run = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
  new Promise<{ ms: number; stdout: string }>((resolve, reject) => {
    const t0 = performance.now()
    execFile(
      process.execPath,
      [...args],
      { cwd: root, env, timeout: 30_000, encoding: "utf8" },
      (error, stdout, stderr) => {
        const ms = performance.now() - t0
        if (error) reject(new Error(`${args.join(" ")}: ${error.message}\n${stderr}`))
        else resolve({ ms, stdout })
      }
    )
  })

/**
 * `gridscale locations list` against `apiUrl`: `firsts` first-ever starts (no code cache yet; each
 * writes one), then `samples` starts on the cache the last of them wrote, as every later start
 * runs. The cache lives in a temporary folder, not in the runner's own `~/.cache`.
 */
export const cliColdStart = async (
  apiUrl: string,
  samples: number,
  firsts: number
): Promise<{ ms: Summary; first: Summary; output: string }> => {
  const cacheHome = mkdtempSync(join(tmpdir(), "gridscale-bench-cache-"))
  const env = {
    ...process.env,
    XDG_CACHE_HOME: cacheHome,
    GRIDSCALE_URL: apiUrl,
    GRIDSCALE_UUID: credentials.userId,
    GRIDSCALE_TOKEN: credentials.token,
    NO_COLOR: "1"
  }
  try {
    const first: Array<number> = []
    let output = ""
    for (let i = 0; i < firsts; i++) {
      rmSync(cacheHome, { recursive: true, force: true })
      const started = await run([cliBin, "locations", "list"], env)
      first.push(started.ms)
      output = started.stdout
    }
    const times: Array<number> = []
    for (let i = 0; i < samples; i++) times.push((await run([cliBin, "locations", "list"], env)).ms)
    return { ms: summarize(times), first: summarize(first), output }
  } finally {
    rmSync(cacheHome, { recursive: true, force: true })
  }
}

// The barrels, then the root entry, each timed: what the root entry adds is its own import, in the
// same process, after the barrels (a difference of two processes' times moves by far more than
// the figure between runs on a busy machine).
const importScript = `
const t0 = performance.now()
await import("effect")
await import("@effect/platform")
const t1 = performance.now()
await import(${JSON.stringify(pathToFileURL(rootEntry).href)})
console.log(t1 - t0, performance.now() - t1)
`

/** `runs` new processes, each importing the barrels and then the root entry. */
export const importCost = async (runs: number) => {
  const barrels: Array<number> = []
  const added: Array<number> = []
  const args = ["--input-type=module", "-e", importScript]
  // One untimed run: the files in the page cache, as for every later run.
  await run(args, process.env)
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(args, process.env)
    const [b, r] = stdout.trim().split("\n").at(-1)!.split(" ").map(Number)
    barrels.push(b!)
    added.push(r!)
  }
  return { barrels: summarize(barrels), added: summarize(added) }
}
