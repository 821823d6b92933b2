/**
 * The loader of the bundled chunks and its code cache, on small chunks written the way the build
 * writes them. Each start is a new `node` running the built loader (dist/codeCache.js): in one
 * process, V8 answers a script it compiled before from memory and never looks at a cache.
 * bin.test.ts runs the built executable with the cache.
 */
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import * as Zlib from "node:zlib"
import * as CodeCache from "../src/codeCache.js"

const built = Path.resolve(import.meta.dirname, "../dist/codeCache.js")

let dir: string
let chunks: string
let cache: string

/** A chunk as the build writes it: a function of `exports`, `require` and `module`. */
const writeChunk = (name: string, body: string) =>
  Fs.writeFileSync(Path.join(chunks, name), `(function(exports,require,module){${body}\n})`)

/** Chunk `a.js` answers `value` through a function (compiled lazily, on its first call) of `b.js`. */
const writeChunks = (value: number) => {
  writeChunk(
    "a.js",
    `const b = require("./b.js"); const path = require("node:path"); module.exports = { a: b.f() + path.sep.length }`
  )
  writeChunk("b.js", `exports.loads = (exports.loads ?? 0) + 1; exports.f = function () { return ${value} }`)
}

/** What identifies a cache file's version: a rewrite renames a new file over it. */
const identity = (file: string) => {
  const stat = Fs.statSync(Path.join(cache, file))
  return `${stat.ino}:${stat.mtimeMs}:${stat.size}`
}

const files = () => (Fs.existsSync(cache) ? Fs.readdirSync(cache).sort() : [])

/**
 * Loads `a.js` in a new process with the cache in `cacheDir` (`null`: none), and saves at its exit
 * as bin.ts does; answers what `a.js` exports.
 */
const start = (cacheDir: string | null = cache): unknown => {
  const script = `import * as CodeCache from ${JSON.stringify(pathToFileURL(built).href)}
const loader = CodeCache.make(${JSON.stringify(chunks)}, ${cacheDir === null ? "undefined" : JSON.stringify(cacheDir)})
process.once("exit", loader.save)
console.log(JSON.stringify(loader.load("a.js")))`
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }))
}

beforeEach(() => {
  if (!Fs.existsSync(built)) throw new Error(`${built} is missing: run npm run build first`)
  dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "gridscale-code-cache-"))
  chunks = Path.join(dir, "chunks")
  cache = Path.join(dir, "cache", "gridscale", "code")
  Fs.mkdirSync(chunks)
  writeChunks(41)
})

afterEach(() => Fs.rmSync(dir, { recursive: true, force: true }))

describe("the chunk loader", () => {
  it("runs each chunk once, as a module: chunks require each other and Node's modules", () => {
    const loader = CodeCache.make(chunks, undefined)
    expect(loader.load("a.js")).toEqual({ a: 42 })
    expect(loader.load("b.js")).toMatchObject({ loads: 1 })
    loader.save()
    expect(start(null)).toEqual({ a: 42 })
    expect(Fs.existsSync(Path.join(dir, "cache"))).toBe(false)
  })

  it("writes the cache at the end, in a directory of the user's own; the next start uses it and writes nothing", () => {
    expect(start()).toEqual({ a: 42 })
    expect(files()).toEqual(["a.js.cache", "b.js.cache"])
    if (process.platform !== "win32") {
      expect(Fs.statSync(cache).mode & 0o777).toBe(0o700)
      expect(Fs.statSync(Path.join(cache, "b.js.cache")).mode & 0o777).toBe(0o600)
    }
    const before = files().map(identity)
    expect(start()).toEqual({ a: 42 })
    // Written only for a chunk without a cache V8 accepted: the same files, not rewritten.
    expect(files().map(identity)).toEqual(before)
  })

  it("a damaged cache, or one V8 rejects, is compiled past and rewritten", () => {
    start()
    const data = Fs.readFileSync(Path.join(cache, "b.js.cache"))
    const source = Fs.readFileSync(Path.join(chunks, "b.js"))
    const flipped = Buffer.from(data)
    flipped[flipped.length - 1] ^= 0xff
    const notV8s = Buffer.alloc(data.length - 12, 7)
    const header = Buffer.alloc(12)
    header.write("GSC1", 0, "latin1")
    header.writeUInt32LE(Zlib.crc32(source), 4)
    header.writeUInt32LE(Zlib.crc32(notV8s), 8)
    for (
      const damaged of [
        Buffer.from("not a cache"),
        data.subarray(0, 40),
        flipped,
        // Our checks pass; V8's do not (cachedDataRejected).
        Buffer.concat([header, notV8s])
      ]
    ) {
      Fs.writeFileSync(Path.join(cache, "b.js.cache"), damaged)
      const before = identity("b.js.cache")
      expect(start()).toEqual({ a: 42 })
      expect(identity("b.js.cache")).not.toBe(before)
      const rewritten = identity("b.js.cache")
      expect(start()).toEqual({ a: 42 })
      expect(identity("b.js.cache")).toBe(rewritten)
    }
  })

  it("a chunk changed to a text of the same length runs its new code (V8 alone checks only the length)", () => {
    expect(start()).toEqual({ a: 42 })
    writeChunks(73)
    expect(start()).toEqual({ a: 74 })
  })

  it("a cache directory that others can write to, or whose parent they can, is neither read nor written", () => {
    if (typeof process.getuid !== "function") return
    start()
    // What someone else could leave there: a cache V8 takes for a chunk of the same length, with
    // our header made to match. From a directory of the user's own, it would run.
    const planted = Fs.readFileSync(Path.join(cache, "b.js.cache"))
    writeChunks(73)
    planted.writeUInt32LE(Zlib.crc32(Fs.readFileSync(Path.join(chunks, "b.js"))), 4)
    Fs.writeFileSync(Path.join(cache, "b.js.cache"), planted)
    const before = files().map(identity)
    // The directory itself, or the one it is in (where it could be swapped for another).
    for (const open of [cache, Path.dirname(cache)]) {
      Fs.chmodSync(open, 0o777)
      expect(start()).toEqual({ a: 74 })
      expect(files().map(identity)).toEqual(before)
      Fs.chmodSync(open, 0o700)
    }
    expect(start()).toEqual({ a: 42 })
  })

  it("a cache directory that cannot be made: the chunks load all the same, and saving does not throw", () => {
    const file = Path.join(dir, "a-file")
    Fs.writeFileSync(file, "")
    cache = Path.join(file, "gridscale")
    expect(start()).toEqual({ a: 42 })
    expect(Fs.readdirSync(dir).sort()).toEqual(["a-file", "chunks"])
  })

  it("saving removes the caches of chunks that are gone and files a killed write left an hour ago", () => {
    start()
    Fs.writeFileSync(Path.join(cache, "old-chunk.js.cache"), "")
    Fs.writeFileSync(Path.join(cache, "a.js.1.tmp"), "")
    Fs.writeFileSync(Path.join(cache, "b.js.2.tmp"), "")
    const hoursAgo = new Date(Date.now() - 7_200_000)
    Fs.utimesSync(Path.join(cache, "a.js.1.tmp"), hoursAgo, hoursAgo)
    Fs.rmSync(Path.join(cache, "b.js.cache"))
    start()
    // b.js.2.tmp may be a write still going on in another process.
    expect(files()).toEqual(["a.js.cache", "b.js.2.tmp", "b.js.cache"])
  })
})

describe("the cache directory", () => {
  const name = `code-1.2.3-v8-${process.versions.v8}-${process.arch}`

  it("is under $XDG_CACHE_HOME when that is an absolute path, named after the version, V8 and the machine", () => {
    expect(CodeCache.directory({ XDG_CACHE_HOME: "/x/cache" }, "1.2.3")).toBe(Path.join("/x/cache", "gridscale", name))
    const home = CodeCache.directory({ XDG_CACHE_HOME: "relative" }, "1.2.3")
    expect(home).toMatch(new RegExp(`gridscale[/\\\\]${name.replace(/\./g, "\\.")}$`))
    expect(home!.startsWith("relative")).toBe(false)
  })

  it("is none when GRIDSCALE_NO_CODE_CACHE is set to anything but the empty string", () => {
    expect(CodeCache.directory({ XDG_CACHE_HOME: "/x", GRIDSCALE_NO_CODE_CACHE: "1" }, "1.2.3")).toBeUndefined()
    expect(CodeCache.directory({ XDG_CACHE_HOME: "/x", GRIDSCALE_NO_CODE_CACHE: "" }, "1.2.3")).toBeDefined()
  })
})
