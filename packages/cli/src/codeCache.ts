/**
 * Loads the bundled program (dist/chunks/, see scripts/bundle.mjs) with V8's code cache, so that a
 * start after the first does not compile the program again.
 *
 * Each chunk is a script, `(function (exports, require, module) { ... })`, compiled with
 * `vm.Script`: that takes the code V8 produced for the same chunk in an earlier run
 * (`cachedData`), which Node's module loaders do not before Node 22. At exit, the code of each
 * chunk compiled without an accepted cache is written to the cache: after the command ran, so the
 * functions it called, compiled on first call, are in it too.
 *
 * The cache is a speed-up and nothing else: a cache that is missing, unreadable, corrupt, from
 * another build or rejected by V8 is compiled past (and rewritten); a directory that cannot be
 * created or written leaves the command as it is, silently. A directory not owned by the user, or
 * writable by others, is not used: V8 would run whatever code a cache file holds.
 */
import type * as NodeVm from "node:vm"

// Node's modules as CommonJS has them: an ES `import` of one makes Node build a module facade of
// every export first, and that of node:fs reads its lazy getters, loading Node's streams (a few ms
// of every start; the program may not need them that early, or at all).
const Fs = process.getBuiltinModule("node:fs")
const { createRequire } = process.getBuiltinModule("node:module")
const Os = process.getBuiltinModule("node:os")
const Path = process.getBuiltinModule("node:path")
const Vm = process.getBuiltinModule("node:vm")
const Zlib = process.getBuiltinModule("node:zlib")

/**
 * The directory of the cache: `gridscale/code-<version>-v8-<V8 version>-<arch>` under the user's
 * cache directory (`$XDG_CACHE_HOME`, else `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
 * Windows, `~/.cache` elsewhere; without a home, the system's temporary directory). `undefined`
 * when `GRIDSCALE_NO_CODE_CACHE` is set to anything but the empty string: no cache then.
 */
export const directory = (env: NodeJS.ProcessEnv, version: string): string | undefined => {
  if (env.GRIDSCALE_NO_CODE_CACHE) return undefined
  const name = `code-${version}-v8-${process.versions.v8}-${process.arch}`
  const xdg = env.XDG_CACHE_HOME
  if (xdg !== undefined && Path.isAbsolute(xdg)) return Path.join(xdg, "gridscale", name)
  let home = ""
  try {
    home = Os.homedir()
  } catch {
    // No home directory (a user without a passwd entry): the temporary directory below.
  }
  if (process.platform === "win32" && env.LOCALAPPDATA) return Path.join(env.LOCALAPPDATA, "gridscale", name)
  if (home === "") return Path.join(Os.tmpdir(), `gridscale-${process.getuid?.() ?? "user"}`, name)
  if (process.platform === "darwin") return Path.join(home, "Library", "Caches", "gridscale", name)
  return Path.join(home, ".cache", "gridscale", name)
}

/** Whether `dir` is a directory only its owner, this user, can write to. */
const isOwn = (dir: string): boolean => {
  try {
    const stat = Fs.statSync(dir)
    if (!stat.isDirectory()) return false
    // Windows has no owner or mode bits here: the cache sits in the user's own profile there.
    if (typeof process.getuid !== "function") return true
    return stat.uid === process.getuid() && (stat.mode & 0o022) === 0
  } catch {
    return false
  }
}

/**
 * Whether `dir` and the directory it is in (`gridscale/`) are the user's own: whoever can write to
 * the parent could put a directory of their own in place of `dir` after it was checked.
 */
const isPrivate = (dir: string): boolean => isOwn(dir) && isOwn(Path.dirname(dir))

/** "GSC1": the first four bytes of a cache file, then the CRC-32 of the chunk and of V8's data. */
const magic = 0x31435347
const headerSize = 12

/** A chunk whose compiled code is to be written to the cache at exit. */
interface Unsaved {
  readonly name: string
  readonly script: NodeVm.Script
  readonly sourceCrc: number
}

/**
 * A loader of the chunks in `chunks`, with the cache in `cache` (none: `undefined`).
 */
export interface Loader {
  /** Runs the chunk named `name` (once) and answers its exports. */
  readonly load: (name: string) => unknown
  /** Writes the cache of each chunk loaded without one. Never throws. */
  readonly save: () => void
}

/**
 * Makes a {@link Loader}. A chunk `require`s another as `./<name>` and Node's modules by their
 * names; each chunk runs once, as a CommonJS module would.
 */
export const make = (chunks: string, cache: string | undefined): Loader => {
  const modules = new Map<string, { exports: unknown }>()
  const unsaved: Array<Unsaved> = []
  const nodeRequire = createRequire(Path.join(chunks, "index.js"))
  const readable = cache !== undefined && isPrivate(cache)

  const cacheFile = (name: string) => Path.join(cache!, `${name}.cache`)

  const cached = (name: string, sourceCrc: number): Buffer | undefined => {
    if (!readable) return undefined
    try {
      const file = Fs.readFileSync(cacheFile(name))
      if (file.length <= headerSize || file.readUInt32LE(0) !== magic || file.readUInt32LE(4) !== sourceCrc) {
        return undefined
      }
      const data = file.subarray(headerSize)
      // V8 checks its own version, flags and the source's length, not its data: a damaged file stops here.
      return file.readUInt32LE(8) === Zlib.crc32(data) ? data : undefined
    } catch {
      return undefined
    }
  }

  const require = (id: string): unknown => (id.startsWith("./") ? load(id.slice(2)) : nodeRequire(id))

  const load = (name: string): unknown => {
    const known = modules.get(name)
    if (known !== undefined) return known.exports
    const filename = Path.join(chunks, name)
    const bytes = Fs.readFileSync(filename)
    const sourceCrc = cache === undefined ? 0 : Zlib.crc32(bytes)
    const cachedData = cached(name, sourceCrc)
    // The chunks are ASCII (the build checks it): latin1 is their text, decoded without a scan.
    const script = new Vm.Script(
      bytes.toString("latin1"),
      cachedData === undefined ? { filename } : {
        filename,
        cachedData
      }
    )
    if (cache !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
      unsaved.push({ name, script, sourceCrc })
    }
    const module = { exports: {} as unknown }
    // Set before it runs, as Node does: a chunk that requires one still loading gets its exports so far.
    modules.set(name, module)
    const run = script.runInThisContext() as (exports: unknown, require: unknown, module: unknown) => void
    run.call(module.exports, module.exports, require, module)
    return module.exports
  }

  const write = (dir: string, { name, script, sourceCrc }: Unsaved) => {
    const data = script.createCachedData()
    const header = Buffer.alloc(headerSize)
    header.writeUInt32LE(magic, 0)
    header.writeUInt32LE(sourceCrc, 4)
    header.writeUInt32LE(Zlib.crc32(data), 8)
    // Written aside, then renamed: a start at the same time reads the old file or the new, never half of one.
    const temp = Path.join(dir, `${name}.${process.pid}.tmp`)
    try {
      Fs.writeFileSync(temp, Buffer.concat([header, data]), { mode: 0o600 })
      Fs.renameSync(temp, cacheFile(name))
    } catch {
      Fs.rmSync(temp, { force: true })
    }
  }

  /** Removes what an earlier build left: caches of chunks that are gone, files a killed write left. */
  const prune = (dir: string) => {
    const present = new Set(Fs.readdirSync(chunks))
    const hourAgo = Date.now() - 3_600_000
    for (const file of Fs.readdirSync(dir)) {
      const path = Path.join(dir, file)
      const gone = file.endsWith(".cache") && !present.has(file.slice(0, -".cache".length))
      if (gone || (file.endsWith(".tmp") && Fs.statSync(path).mtimeMs < hourAgo)) Fs.rmSync(path, { force: true })
    }
  }

  const save = () => {
    if (cache === undefined || unsaved.length === 0) return
    try {
      Fs.mkdirSync(cache, { recursive: true, mode: 0o700 })
      if (!isPrivate(cache)) return
      for (const chunk of unsaved.splice(0)) write(cache, chunk)
      prune(cache)
    } catch {
      // A read-only or full disk, a directory that is not ours: the command ran all the same.
    }
  }

  return { load, save }
}
