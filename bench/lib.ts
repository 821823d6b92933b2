/**
 * Helpers of `npm run bench`: the simulator in a child process, statistics, the client layer.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { type ChildProcess, fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Gridscale from "../src/Gridscale.js"
import * as GridscaleConfig from "../src/GridscaleConfig.js"

export const credentials = { userId: "bench-user", token: "bench-token" }

/** Every child process started by the bench, killed when it exits however it exits. */
const children = new Set<ChildProcess>()

/** Kills `child` when the bench exits, if it is still running then. */
export const track = (child: ChildProcess): ChildProcess => {
  children.add(child)
  child.once("exit", () => children.delete(child))
  return child
}
const killAll = () => {
  for (const child of children) child.kill("SIGKILL")
}
process.on("exit", killAll)
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })
}

/** `BENCH_CPU_PROF=<dir>` profiles every child process (`node --cpu-prof`) into that directory. */
const profileArgs = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []

/** Forks a TypeScript module under tsx's loader, with an IPC channel. */
export const forkTs = (relative: string, args: ReadonlyArray<string>): ChildProcess => {
  const child = fork(fileURLToPath(new URL(relative, import.meta.url)), [...args], {
    execArgv: ["--import", "tsx", ...profileArgs],
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  return track(child)
}

/**
 * Bundles a bench module and the sources it imports into one plain JavaScript file (packages stay
 * imports), so a child process can run it on plain `node`, without tsx's loader in its memory.
 */
export const bundle = async (relative: string): Promise<string> => {
  const esbuild = await import("esbuild")
  const outfile = fileURLToPath(
    new URL(`../node_modules/.cache/effect-gridscale-bench/${relative.replace(/\.ts$/, ".mjs")}`, import.meta.url)
  )
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL(relative, import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile,
    logLevel: "warning"
  })
  return outfile
}

/** Forks a plain JavaScript file, with an IPC channel. */
export const forkJs = (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly execArgv?: ReadonlyArray<string> } = {}
): ChildProcess =>
  track(
    fork(file, [...args], {
      execArgv: [...(options.execArgv ?? []), ...profileArgs],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
  )

/**
 * A child that answers `{ id, ...message }` over IPC with `{ id, value }` or `{ id, error }`.
 * `call` rejects when the answer does not come within `timeoutMs`, or the child exits first.
 */
export interface Peer {
  readonly call: <A = unknown>(message: Record<string, unknown>, timeoutMs?: number) => Promise<A>
  readonly close: () => Promise<void>
  readonly child: ChildProcess
}

/** Waits for a forked child's first message (`{ type: "ready", ... }`) and wraps it as a `Peer`. */
export const peer = (child: ChildProcess, name: string, startMs = 30_000): Promise<{ peer: Peer; ready: any }> =>
  new Promise((resolve, reject) => {
    let nextId = 0
    const waiting = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>()
    let exited: Error | undefined
    child.once("exit", (code, signal) => {
      exited = new Error(`${name} exited (${signal ?? code})`)
      for (const w of waiting.values()) w.reject(exited)
      waiting.clear()
      reject(exited)
    })
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${startMs / 1000} s`)), startMs)
    const call = <A>(message: Record<string, unknown>, timeoutMs = 120_000) =>
      new Promise<A>((res, rej) => {
        if (exited !== undefined) return rej(exited)
        const id = ++nextId
        const timer = setTimeout(() => {
          waiting.delete(id)
          rej(new Timeout(`${name}: no answer to ${String(message.type)} within ${timeoutMs / 1000} s`))
        }, timeoutMs)
        waiting.set(id, {
          resolve: (value) => {
            clearTimeout(timer)
            res(value)
          },
          reject: (error) => {
            clearTimeout(timer)
            rej(error)
          }
        })
        child.send({ ...message, id }, (error) => error && rej(error))
      })
    child.on("message", (message: any) => {
      if (message?.type === "ready") {
        clearTimeout(timer)
        resolve({
          ready: message,
          peer: {
            child,
            call,
            close: () =>
              new Promise<void>((res) => {
                if (child.exitCode !== null || child.signalCode !== null) return res()
                const kill = setTimeout(() => child.kill("SIGKILL"), 2_000)
                child.once("exit", () => {
                  clearTimeout(kill)
                  res()
                })
                if (child.connected) child.disconnect()
                else child.kill()
              })
          }
        })
        return
      }
      const w = waiting.get(message?.id)
      if (w === undefined) return
      waiting.delete(message.id)
      if (message.error !== undefined) w.reject(new Error(`${name}: ${message.error}`))
      else w.resolve(message.value)
    })
  })

/** A child that did not answer in time: measured behaviour (a stall), not a crash. */
export class Timeout extends Error {}

export interface JobRecord {
  readonly createdAt: number
  readonly doneAt: number
  readonly polls: ReadonlyArray<number>
}

export interface SimulatorProcess {
  readonly url: string
  readonly setBand: (min: number, max: number) => Promise<void>
  readonly failNext: () => Promise<void>
  readonly jobs: (ids: ReadonlyArray<string>) => Promise<Record<string, JobRecord | null>>
  readonly counters: () => Promise<
    { readonly requests: number; readonly rateLimited: number; readonly byStatus: Record<string, number> }
  >
  /** The CPU time the simulator's process has used so far, in ms. */
  readonly cpuMs: () => Promise<number>
  readonly close: () => Promise<void>
}

/** Starts the loopback simulator in a child process; rate limited only when asked. */
export const startSimulator = (
  options: {
    readonly rateLimit?: boolean | { readonly limit: number; readonly windowMillis?: number }
    readonly seed?: number
  } = {}
) =>
  new Promise<SimulatorProcess>((resolve, reject) => {
    const child = forkTs("./server.ts", [
      JSON.stringify({ rateLimit: options.rateLimit ?? false, seed: options.seed ?? 1 })
    ])
    let nextId = 0
    const waiting = new Map<number, (value: any) => void>()
    const call = (message: Record<string, unknown>) =>
      new Promise<any>((res, rej) => {
        const id = ++nextId
        waiting.set(id, res)
        child.send({ ...message, id }, (error) => error && rej(error))
      })
    const timer = setTimeout(() => reject(new Error("the simulator did not start within 30 s")), 30_000)
    child.once("exit", (code) => reject(new Error(`the simulator exited with ${code}`)))
    child.on("message", (message: any) => {
      if (message.type === "ready") {
        clearTimeout(timer)
        resolve({
          url: message.url,
          setBand: (min, max) => call({ type: "band", min, max }),
          failNext: () => call({ type: "failNext" }),
          jobs: (ids) => call({ type: "jobs", ids }),
          counters: () => call({ type: "counters" }),
          cpuMs: () => call({ type: "cpu" }),
          close: () =>
            new Promise<void>((res) => {
              if (child.exitCode !== null) return res()
              const kill = setTimeout(() => child.kill("SIGKILL"), 2_000)
              child.once("exit", () => {
                clearTimeout(kill)
                res()
              })
              child.disconnect()
            })
        })
        return
      }
      const done = waiting.get(message.id)
      waiting.delete(message.id)
      done?.(message.value)
    })
  })

export type HttpKind = "undici" | "fetch"

/**
 * The whole live client on loopback, for the synthetic figures and tools: the rate ceiling
 * unlimited unless `defaultRate`.
 */
export const clientRuntime = (
  url: string,
  http: HttpKind,
  options: { readonly defaultRate?: boolean } = {}
) =>
  ManagedRuntime.make(
    Gridscale.layer.pipe(
      Layer.provide(
        GridscaleConfig.layer({
          ...credentials,
          apiUrl: url,
          ...(options.defaultRate ? {} : { rate: { limit: Infinity } })
        })
      ),
      Layer.provide(http === "undici" ? NodeHttpClient.layerUndici : FetchHttpClient.layer),
      // The client's progress notes ("still pending after 10 s") would drown the figures.
      Layer.merge(Logger.minimumLogLevel(LogLevel.Warning))
    )
  )

// --- statistics -------------------------------------------------------------------------------

export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low)
}

export interface Summary {
  readonly n: number
  readonly median: number
  readonly p95: number
  readonly max: number
}

export const summarize = (values: ReadonlyArray<number>): Summary => ({
  n: values.length,
  median: quantile(values, 0.5),
  p95: quantile(values, 0.95),
  max: values.length === 0 ? NaN : Math.max(...values)
})

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

export const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

/** Runs `tasks` with at most `limit` at once. */
export const pool = async <A>(limit: number, tasks: ReadonlyArray<() => Promise<A>>): Promise<Array<A>> => {
  const results: Array<A> = new Array(tasks.length)
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++
      results[index] = await tasks[index]()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}
