/**
 * The built executable as users run it: a real process, real sockets to the loopback simulator,
 * real signals. The rest of the CLI's tests run in-process (see support.ts), where they are fast.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as GridscaleSimulatorServer from "effect-gridscale/GridscaleSimulatorServer"
import { execFile, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { exitCodes } from "../src/exitCodes.js"

const bin = Path.resolve(import.meta.dirname, "../dist/bin.js")

let simulator: GridscaleSimulatorServer.Handle
/** The runs' cache directory (XDG_CACHE_HOME): a new one for this file, never the user's. */
let cacheHome: string

const env = () => ({
  PATH: process.env.PATH,
  GRIDSCALE_UUID: "cli-user",
  GRIDSCALE_TOKEN: "cli-token",
  GRIDSCALE_URL: simulator.url,
  XDG_CACHE_HOME: cacheHome
})

/**
 * Runs the built `gridscale` with its output piped (asynchronously: the server is in this process),
 * `nodeArgs` given to `node` before it and `extraEnv` added to its environment. A run still going
 * after 15 s is killed and answers -1.
 */
const gridscale = (
  args: ReadonlyArray<string>,
  nodeArgs: ReadonlyArray<string> = [],
  extraEnv: Record<string, string> = {}
) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [...nodeArgs, bin, ...args],
      { env: { ...env(), ...extraEnv }, timeout: 15_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr })
      }
    )
  })

/**
 * `node` flags that append the path of every file of dist/chunks/ the process reads to the file
 * named by GRIDSCALE_TEST_LOADED (bin.js reads each chunk with fs.readFileSync).
 */
const recordLoads = (() => {
  const preload = "import Fs from \"node:fs\"\n" +
    "import { syncBuiltinESMExports } from \"node:module\"\n" +
    "const readFileSync = Fs.readFileSync\n" +
    "Fs.readFileSync = function (path, ...rest) {\n" +
    "  if (String(path).includes(\"/dist/chunks/\")) Fs.appendFileSync(process.env.GRIDSCALE_TEST_LOADED, path + \"\\n\")\n" +
    "  return readFileSync.call(this, path, ...rest)\n" +
    "}\n" +
    "syncBuiltinESMExports()\n"
  return ["--import", `data:text/javascript,${encodeURIComponent(preload)}`]
})()

/** The cache files in `home` (an XDG_CACHE_HOME), each with what tells a rewrite: its inode and time. */
const cacheFiles = (home: string): Record<string, string> => {
  const root = Path.join(home, "gridscale")
  if (!Fs.existsSync(root)) return {}
  const [dir, ...others] = Fs.readdirSync(root)
  expect(others).toEqual([])
  return Object.fromEntries(
    Fs.readdirSync(Path.join(root, dir!)).map((file) => {
      const stat = Fs.statSync(Path.join(root, dir!, file))
      return [file, `${stat.ino}:${stat.mtimeMs}`]
    })
  )
}

beforeAll(async () => {
  if (!Fs.existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`)
  cacheHome = Fs.mkdtempSync(Path.join(Os.tmpdir(), "gridscale-cache-home-"))
  simulator = await GridscaleSimulatorServer.start({
    jobDuration: 60_000,
    credentials: { userId: "cli-user", token: "cli-token" }
  })
})

afterAll(async () => {
  await simulator?.close()
  if (cacheHome) Fs.rmSync(cacheHome, { recursive: true, force: true })
})

describe("the gridscale executable", () => {
  it("prints plain text into a pipe, and talks to the API", async () => {
    const [help, createHelp, listed] = await Promise.all([
      gridscale(["--help"]),
      gridscale(["servers", "create", "--help"]),
      gridscale(["locations", "list", "-q"])
    ])
    expect(help).toMatchObject({ code: 0, stderr: "" })
    expect(createHelp).toMatchObject({ code: 0, stderr: "" })
    expect(createHelp.stdout).toContain("$ gridscale servers create")
    for (const text of [help.stdout, createHelp.stdout]) expect(text).not.toContain("\u001b[")
    const [location] = Object.keys(simulator.snapshot().locations ?? {})
    expect(listed).toEqual({ code: 0, stdout: `${location}\n`, stderr: "" })
  })

  it("Ctrl-C while a create waits: exit 130, and the id of what was accepted", async () => {
    simulator.reset()
    const child = spawn(process.execPath, [bin, "networks", "create", "--name", "interrupted"], { env: env() })
    let stderr = ""
    child.stderr.on("data", (chunk) => (stderr += chunk))
    let stdout = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
    // The job takes a minute: once the network exists, the create was answered and the CLI waits.
    await new Promise<void>((resolve) => {
      const check = () =>
        Object.keys(simulator.snapshot().networks ?? {}).length > 1 ? resolve() : setTimeout(check, 20)
      check()
    })
    // Past the create's reply: a poll of its job has been answered.
    await new Promise<void>((resolve) => {
      const check = () => ((simulator.counters().byMethod.GET ?? 0) > 0 ? resolve() : setTimeout(check, 20))
      check()
    })
    child.kill("SIGINT")
    expect(await exited).toBe(exitCodes.Interrupted)
    const created = Object.values(simulator.snapshot().networks ?? {}).find((n: any) => n.name === "interrupted") as any
    expect(stdout).toBe("")
    expect(stderr).toContain("create was accepted")
    expect(stderr).toContain(created.object_uuid)
  })

  it("exits once its output is written, whatever else keeps Node's event loop busy", async () => {
    // A timer that never ends, started before the CLI: exiting only when the event loop drains
    // (as the HTTP client's idle timers made a run wait about half a second) would never exit.
    const busy = ["--import", "data:text/javascript,setInterval(() => {}, 1000)"]
    const [listed, usage] = await Promise.all([
      gridscale(["locations", "list", "--no-header"], busy),
      gridscale(["locations", "lsit"], busy)
    ])
    const [location] = Object.keys(simulator.snapshot().locations ?? {})
    expect(listed).toMatchObject({ code: 0, stderr: "" })
    expect(listed.stdout).toMatch(new RegExp(`^${location} .*\n$`))
    expect(usage.code).toBe(exitCodes.Usage)
    expect(usage.stderr).toContain("unknown verb 'lsit' (did you mean 'list'?)")
  })

  it("a command reads its own chunks only: `locations list` loads no other command's code or data", async () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "gridscale-loads-"))
    const log = Path.join(dir, "loaded.txt")
    try {
      const listed = await gridscale(["locations", "list", "-q"], recordLoads, { GRIDSCALE_TEST_LOADED: log })
      expect(listed).toMatchObject({ code: 0, stderr: "" })
      const chunks = Fs.readFileSync(log, "utf8").split("\n").filter((path) => path !== "")
      // dist/chunks/<name>-<hash>.js: shared chunks are named "chunk", the others after their module.
      const names = new Set(chunks.map((path) => /[/\\]chunks[/\\](.+)-[^-/\\]+\.js$/.exec(path)![1]))
      expect(names).toContain("locations")
      expect([...names].filter((name) => !["main", "chunk", "runner", "generic", "locations"].includes(name)))
        .toEqual([])
      // A family's generated data says its plural (`titles`); shared chunks may hold a family's data too.
      const titles = chunks.flatMap((path) =>
        [...Fs.readFileSync(path, "utf8").matchAll(/["']?titles["']?\s*:\s*"([^"]*)"/g)].map((m) => m[1])
      )
      expect(titles).toEqual(["locations"])
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  describe("the code cache", () => {
    const home = () => Fs.mkdtempSync(Path.join(cacheHome, "home-"))
    const expected = () => `${Object.keys(simulator.snapshot().locations ?? {})[0]}\n`

    it("is written by the first start, for the chunks it ran, and used by the next without writing", async () => {
      const XDG_CACHE_HOME = home()
      const list = () => gridscale(["locations", "list", "-q"], [], { XDG_CACHE_HOME })
      // Two first starts at once: each writes aside and renames, neither sees half a file.
      const firsts = await Promise.all([list(), list()])
      for (const first of firsts) expect(first).toEqual({ code: 0, stdout: expected(), stderr: "" })
      const written = cacheFiles(XDG_CACHE_HOME)
      const chunks = Fs.readdirSync(Path.join(Path.dirname(bin), "chunks"))
      expect(Object.keys(written).every((file) => chunks.includes(file.replace(/\.cache$/, "")))).toBe(true)
      expect(Object.keys(written).map((file) => file.replace(/-[^-]+\.js\.cache$/, "")).sort()).toContain("locations")
      expect(Object.keys(written).some((file) => file.startsWith("main-"))).toBe(true)
      expect(await list()).toEqual({ code: 0, stdout: expected(), stderr: "" })
      // Rewritten only when missing or rejected by V8: the same files, so V8 took each of them.
      expect(cacheFiles(XDG_CACHE_HOME)).toEqual(written)
    })

    it("a damaged cache is passed over and rewritten; the command prints the same", async () => {
      const XDG_CACHE_HOME = home()
      const list = () => gridscale(["locations", "list", "-q"], [], { XDG_CACHE_HOME })
      await list()
      const dir = Path.join(XDG_CACHE_HOME, "gridscale", Fs.readdirSync(Path.join(XDG_CACHE_HOME, "gridscale"))[0]!)
      for (const file of Fs.readdirSync(dir)) {
        const data = Fs.readFileSync(Path.join(dir, file))
        Fs.writeFileSync(Path.join(dir, file), data.subarray(0, data.length >> 1))
      }
      const damaged = cacheFiles(XDG_CACHE_HOME)
      expect(await list()).toEqual({ code: 0, stdout: expected(), stderr: "" })
      const rewritten = cacheFiles(XDG_CACHE_HOME)
      expect(Object.keys(rewritten)).toEqual(Object.keys(damaged))
      for (const file of Object.keys(damaged)) expect(rewritten[file]).not.toBe(damaged[file])
    })

    it("a cache directory that cannot be made, or GRIDSCALE_NO_CODE_CACHE: the command runs all the same", async () => {
      const XDG_CACHE_HOME = home()
      const file = Path.join(XDG_CACHE_HOME, "a-file")
      Fs.writeFileSync(file, "")
      const [unwritable, off] = await Promise.all([
        gridscale(["locations", "list", "-q"], [], { XDG_CACHE_HOME: file }),
        gridscale(["locations", "list", "-q"], [], { XDG_CACHE_HOME, GRIDSCALE_NO_CODE_CACHE: "1" })
      ])
      expect(unwritable).toEqual({ code: 0, stdout: expected(), stderr: "" })
      expect(off).toEqual({ code: 0, stdout: expected(), stderr: "" })
      expect(Fs.readdirSync(XDG_CACHE_HOME)).toEqual(["a-file"])
    })
  })
})
