/**
 * `npm run bench`: the client's figures against the simulator's loopback server, which runs in
 * a child process. Prints one line per figure and writes them to `bench/results.json`.
 * See docs/performance.md for what each figure means and the targets.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Gridscale from "../src/Gridscale.js"
import { defaultPolling } from "../src/GridscaleConfig.js"
import type { Progress } from "../src/GridscalePolling.js"
import { locationId } from "../src/GridscaleSimulator.js"
import { coldStart } from "./coldstart.js"
import {
  bundle,
  clientRuntime,
  credentials,
  forkJs,
  type HttpKind,
  pool,
  round,
  type SimulatorProcess,
  startSimulator,
  summarize,
  type Summary
} from "./lib.js"

interface Figure {
  readonly figure: string
  readonly name: string
  readonly values: Record<string, unknown>
  readonly targets: Record<string, string>
  readonly pass: boolean | null
}

const figures: Array<Figure> = []
const started = Date.now()
const only = process.argv.slice(2)
const wanted = (figure: string) => only.length === 0 || only.includes(figure)

const show = (s: Summary, unit = "ms") => `median ${round(s.median, 1)}${unit} p95 ${round(s.p95, 1)}${unit}`
const summary = (s: Summary) => ({ n: s.n, median: round(s.median), p95: round(s.p95), max: round(s.max) })

const report = (figure: Figure) => {
  figures.push(figure)
  const verdict = figure.pass === null ? "" : figure.pass ? "  [ok]" : "  [MISSED]"
  console.log(`${figure.figure} ${figure.name}: ${describe(figure.values)}${verdict}`)
  writeFileSync(
    fileURLToPath(new URL("./results.json", import.meta.url)),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        elapsedSeconds: round((Date.now() - started) / 1000, 1),
        figures
      },
      null,
      2
    ) + "\n"
  )
}

const describe = (values: Record<string, unknown>): string =>
  Object.entries(values).map(([key, value]) => {
    if (typeof value === "object" && value !== null && "median" in value && "p95" in value) {
      const s = value as Summary
      const unit = key.endsWith("Ratio") || key.startsWith("polls") || key.endsWith("Share") ? "" : "ms"
      return `${key} ${show(s, unit)}`
    }
    return `${key} ${typeof value === "number" ? round(value) : JSON.stringify(value)}`
  }).join(", ")

// --- 1. overhead ------------------------------------------------------------------------------

const authHeaders = {
  "x-auth-userid": credentials.userId,
  "x-auth-token": credentials.token,
  accept: "application/json"
}

const seedServers = async (sim: SimulatorProcess, count: number) => {
  await sim.setBand(0, 0)
  const runtime = clientRuntime(sim.url, "undici")
  const gridscale = await runtime.runPromise(Gridscale.Gridscale)
  const have = (await runtime.runPromise(gridscale.servers.list())).length
  await runtime.runPromise(
    Effect.forEach(
      Array.from({ length: Math.max(0, count - have) }, (_, i) => i),
      (i) => gridscale.servers.create({ name: `bench-${have + i}`, cores: 1, memory: 1, location_uuid: locationId }),
      { concurrency: 20, discard: true }
    )
  )
  await runtime.dispose()
}

const overhead = async (sim: SimulatorProcess, http: HttpKind, servers: number, pairs: number, warmup: number) => {
  const runtime = clientRuntime(sim.url, http)
  const gridscale = await runtime.runPromise(Gridscale.Gridscale)
  const url = `${sim.url}/objects/servers`
  const full = async () => {
    const t0 = performance.now()
    const list = await runtime.runPromise(gridscale.servers.list())
    const t1 = performance.now()
    if (list.length !== servers) throw new Error(`expected ${servers} servers, got ${list.length}`)
    return t1 - t0
  }
  // The HTTP client alone (the same platform layer, no auth, retry, budget or schema): where the
  // client's cost sits.
  const platform = ManagedRuntime.make(http === "undici" ? NodeHttpClient.layerUndici : FetchHttpClient.layer)
  const httpClient = await platform.runPromise(HttpClient.HttpClient)
  const bare = async () => {
    const t0 = performance.now()
    const body = await platform.runPromise(
      Effect.flatMap(httpClient.get(url, { headers: authHeaders }), (response) => response.text)
    )
    const parsed = JSON.parse(body)
    const t1 = performance.now()
    if (Object.keys(parsed.servers).length !== servers) throw new Error("bare client: wrong count")
    return t1 - t0
  }
  const raw = async () => {
    const t0 = performance.now()
    const response = await fetch(url, { headers: authHeaders })
    const body = JSON.parse(await response.text())
    const t1 = performance.now()
    if (Object.keys(body.servers).length !== servers) throw new Error("raw fetch: wrong count")
    return t1 - t0
  }
  // Warm-up: connections, and the JIT (effect's fiber runtime and the schema parsers need a few
  // hundred runs to be optimized; a long-running client spends its life in that state).
  for (let i = 0; i < warmup; i++) {
    await full()
    await raw()
    await bare()
  }
  const fulls: Array<number> = []
  const raws: Array<number> = []
  const bares: Array<number> = []
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      fulls.push(await full())
      raws.push(await raw())
    } else {
      raws.push(await raw())
      fulls.push(await full())
    }
    bares.push(await bare())
  }
  await runtime.dispose()
  await platform.dispose()
  const fullS = summarize(fulls)
  const rawS = summarize(raws)
  // Each pair ran back to back, so its ratio is the least disturbed by other load on the machine.
  const paired = summarize(fulls.map((f, i) => f / raws[i]))
  return { full: fullS, raw: rawS, bare: summarize(bares), paired, ratioOfMedians: fullS.median / rawS.median }
}

const figureOverhead = async (sim: SimulatorProcess) => {
  const targets: Record<string, number | undefined> = { "undici/1": 1.3, "undici/200": 2.0 }
  for (const servers of [1, 200]) {
    await seedServers(sim, servers)
    for (const http of ["undici", "fetch"] as const) {
      const result = servers === 1
        ? await overhead(sim, http, 1, 1000, 1000)
        : await overhead(sim, http, servers, 200, 200)
      const target = targets[`${http}/${servers}`]
      report({
        figure: "1",
        name: `overhead servers.list (${servers} server${servers === 1 ? "" : "s"}, ${http})`,
        values: {
          client: summary(result.full),
          rawFetch: summary(result.raw),
          httpClientOnly: summary(result.bare),
          pairRatio: summary(result.paired),
          ratioOfMedians: round(result.ratioOfMedians)
        },
        targets: target === undefined ? {} : { "pairRatio.median": `<= ${target}` },
        pass: target === undefined ? null : result.paired.median <= target
      })
    }
  }
}

// --- 2./3. job detection ------------------------------------------------------------------------

interface Detection {
  readonly lag: number
  readonly duration: number
  readonly polls: number
  /** The gap between the last two polls the simulator saw. */
  readonly lastInterval: number
  readonly failed: boolean
}

const detect = async (
  sim: SimulatorProcess,
  runtime: ReturnType<typeof clientRuntime>,
  count: number,
  concurrency: number,
  options: { readonly fail?: boolean } = {}
): Promise<Array<Detection>> => {
  const gridscale = await runtime.runPromise(Gridscale.Gridscale)
  const one = async (index: number) => {
    let progress: Progress | undefined
    const onProgress = (p: Progress) =>
      Effect.sync(() => {
        progress = p
      })
    if (options.fail) await sim.failNext()
    const outcome = await runtime.runPromise(
      Effect.either(
        gridscale.storages.create({ name: `detect-${index}`, capacity: 10, location_uuid: locationId }, { onProgress })
      )
    )
    const seen = Date.now()
    if (progress === undefined) throw new Error("no poll was seen")
    const failed = outcome._tag === "Left"
    if (failed && (outcome.left._tag !== "JobFailed" || !options.fail)) {
      throw new Error(`create failed: ${outcome.left.message}`)
    }
    return { requestId: progress.requestId, polls: progress.polls, seen, failed }
  }
  const results = await pool(concurrency, Array.from({ length: count }, (_, i) => () => one(i)))
  const jobs = await sim.jobs(results.map((r) => r.requestId))
  return results.map((r) => {
    const job = jobs[r.requestId]
    if (job === null || job === undefined) throw new Error(`the simulator knows no job ${r.requestId}`)
    const polls = job.polls
    return {
      lag: r.seen - job.doneAt,
      duration: job.doneAt - job.createdAt,
      polls: r.polls,
      lastInterval: polls.length >= 2 ? polls[polls.length - 1] - polls[polls.length - 2] : NaN,
      failed: r.failed
    }
  })
}

const figureDetection = async (sim: SimulatorProcess) => {
  const runtime = clientRuntime(sim.url, "undici")
  const bands = [
    { min: 200, max: 400, count: 30, concurrency: 5 },
    { min: 1000, max: 1400, count: 30, concurrency: 5 },
    { min: 4000, max: 6000, count: 30, concurrency: 30 },
    { min: 25_000, max: 35_000, count: 30, concurrency: 30 }
  ]
  for (const band of bands) {
    await sim.setBand(band.min, band.max)
    const results = await detect(sim, runtime, band.count, band.concurrency)
    const lag = summarize(results.map((r) => r.lag))
    const polls = summarize(results.map((r) => r.polls))
    const lagShare = summarize(results.map((r) => r.lag / r.duration))
    const name = `job detection ${band.min / 1000}-${band.max / 1000} s`
    if (band.max <= 1400) {
      const pollTarget = band.min === 1000
      const pass = lag.median <= 150 && lag.p95 <= 250 && (!pollTarget || polls.median <= 11)
      report({
        figure: "2",
        name,
        values: { lag: summary(lag), polls: summary(polls), lagShare: summary(lagShare) },
        targets: {
          "lag.median": "<= 150 ms",
          "lag.p95": "<= 250 ms",
          ...(pollTarget ? { "polls.median": "<= 11" } : {})
        },
        pass
      })
    } else if (band.max <= 6000) {
      report({
        figure: "2",
        name,
        values: { lag: summary(lag), polls: summary(polls), lagShare: summary(lagShare) },
        targets: { "lagShare.median": "<= 0.35" },
        pass: lagShare.median <= 0.35
      })
    } else {
      report({
        figure: "2",
        name,
        values: { lag: summary(lag), lagMax: lag.max, polls: summary(polls), lagShare: summary(lagShare) },
        targets: { "lag.max": "<= 2000 ms", "polls.median": "<= 32" },
        pass: lag.max <= 2000 && polls.median <= 32
      })
    }
  }

  // 3. Failed jobs: the caller's JobFailed comes at most one poll interval after the job failed.
  await sim.setBand(1000, 1400)
  const failed = await detect(sim, runtime, 20, 20, { fail: true })
  await runtime.dispose()
  if (!failed.every((r) => r.failed)) throw new Error("a job meant to fail succeeded")
  const lag = summarize(failed.map((r) => r.lag))
  const interval = summarize(failed.map((r) => r.lastInterval))
  // The poll that saw `failed` was sent after the job failed, the one before it before: the lag
  // is at most that gap plus the reply's trip back (a few ms on loopback).
  const over = failed.map((r) => r.lag - r.lastInterval)
  report({
    figure: "3",
    name: "failed job to JobFailed (1.0-1.4 s jobs)",
    values: {
      lag: summary(lag),
      lastPollInterval: summary(interval),
      maxLagMinusInterval: round(Math.max(...over)),
      maxPollInterval: Duration.toMillis(defaultPolling.maxInterval)
    },
    targets: { "lag - last poll interval": "<= 0 (+ reply transit, 25 ms)" },
    pass: Math.max(...over) <= 25
  })
}

// --- 4. polling on a real budget ------------------------------------------------------------------

const figureBudget = async () => {
  const sim = await startSimulator({ rateLimit: true, seed: 4 })
  try {
    await sim.setBand(5000, 15_000)
    const runtime = clientRuntime(sim.url, "undici", { defaultRate: true })
    const t0 = Date.now()
    const results = await detect(sim, runtime, 20, 20)
    const wall = Date.now() - t0
    await runtime.dispose()
    const counters = await sim.counters()
    const polls = summarize(results.map((r) => r.polls))
    const lag = summarize(results.map((r) => r.lag))
    report({
      figure: "4",
      name: "20 jobs of 5-15 s on the real budget (210/60 s, client defaults)",
      values: {
        jobsSeen: results.length,
        rateLimited429: counters.rateLimited,
        requests: counters.requests,
        polls: summary(polls),
        pollsTotal: results.reduce((n, r) => n + r.polls, 0),
        lag: summary(lag),
        wallMs: wall
      },
      targets: { rateLimited429: "0", jobsSeen: "20" },
      pass: counters.rateLimited === 0 && results.length === 20
    })
  } finally {
    await sim.close()
  }
}

// --- 5. scale -------------------------------------------------------------------------------------

interface ScaleResult {
  readonly single: Summary
  readonly wallMs: number
  readonly created: number
  readonly distinct: number
  readonly errors: number
  readonly errorSample: ReadonlyArray<string>
  readonly latency: Summary
  readonly peakRssMb: number
  readonly peakHeapUsedMb: number
  readonly peakExternalMb: number
  readonly baseRssMb: number
}

interface FloorResult {
  readonly wallMs: number
  readonly completed: number
  readonly peakRssMb: number
}

/** Figure 5's workload without the client, in a process of its own (see scale-floor.ts). */
const scaleFloor = async (url: string, mode: "fetch" | "platform"): Promise<FloorResult> => {
  const child = forkJs(await bundle("./scale-floor.ts"), [url, mode, "1000"])
  try {
    return await new Promise<FloorResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${mode} floor run took over 3 minutes`)), 180_000)
      child.once("message", (message: FloorResult) => {
        clearTimeout(timer)
        resolve(message)
      })
      child.once("exit", (code) => reject(new Error(`the ${mode} floor run exited with ${code}`)))
    })
  } finally {
    child.kill()
  }
}

const figureScale = async () => {
  const sim = await startSimulator({ seed: 5 })
  try {
    await sim.setBand(1000, 1000)
    // The client runs on plain node (bundled), so its RSS holds no TypeScript loader.
    const child = forkJs(await bundle("./scale.ts"), [sim.url, "1000", "20"])
    const result = await new Promise<ScaleResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        reject(new Error("the scale run took over 3 minutes"))
      }, 180_000)
      child.once("message", (message: ScaleResult) => {
        clearTimeout(timer)
        resolve(message)
      })
      child.once("exit", (code) => reject(new Error(`the scale run exited with ${code}`)))
    })
    child.kill()
    const counters = await sim.counters()
    const floor = {
      fetch: await scaleFloor(sim.url, "fetch"),
      platform: await scaleFloor(sim.url, "platform")
    }
    const wallRatio = result.wallMs / result.single.median
    report({
      figure: "5",
      name: "1,000 concurrent storages.create (1 s jobs, one layer, undici)",
      values: {
        singleCreate: summary(result.single),
        wallMs: round(result.wallMs),
        wallRatio: round(wallRatio),
        created: result.created,
        distinct: result.distinct,
        errors: result.errors,
        ...(result.errors > 0 ? { errorSample: result.errorSample } : {}),
        perCreateLatency: summary(result.latency),
        peakRssMb: round(result.peakRssMb, 1),
        peakHeapUsedMb: round(result.peakHeapUsedMb, 1),
        peakExternalMb: round(result.peakExternalMb, 1),
        rssBeforeMb: round(result.baseRssMb, 1),
        serverRequests: counters.requests,
        // The same workload without this client: raw fetch, and the platform's HTTP client alone.
        floorRawFetchPeakRssMb: round(floor.fetch.peakRssMb, 1),
        floorHttpClientOnlyPeakRssMb: round(floor.platform.peakRssMb, 1)
      },
      targets: { wallRatio: "<= 3", errors: "0", distinct: "1000", peakRssMb: "<= 200" },
      pass: wallRatio <= 3 && result.errors === 0 && result.distinct === 1000 && result.peakRssMb <= 200
    })
  } finally {
    await sim.close()
  }
}

// --- 6. cold start ---------------------------------------------------------------------------------

const figureColdStart = async () => {
  const result = coldStart(20)
  report({
    figure: "6",
    name: "cold start (fresh node: import the built package, build the live layer)",
    values: {
      importMs: summary(result.importMs),
      buildLayerMs: summary(result.buildMs),
      processStartToLayerMs: summary(result.totalMs)
    },
    targets: {},
    pass: null
  })
}

// --- main ---------------------------------------------------------------------------------------------

const main = async () => {
  console.log(`npm run bench: node ${process.version}, ${new Date().toISOString()}`)
  if (wanted("1") || wanted("2") || wanted("3")) {
    const sim = await startSimulator({ seed: 1 })
    try {
      if (wanted("1")) await figureOverhead(sim)
      if (wanted("2") || wanted("3")) await figureDetection(sim)
    } finally {
      await sim.close()
    }
  }
  if (wanted("4")) await figureBudget()
  if (wanted("5")) await figureScale()
  if (wanted("6")) await figureColdStart()
  console.log(`done in ${round((Date.now() - started) / 1000, 1)} s; results in bench/results.json`)
  const missed = figures.filter((f) => f.pass === false)
  if (missed.length > 0) console.log(`targets missed: ${missed.map((f) => `${f.figure} ${f.name}`).join("; ")}`)
}

// The whole run is bounded: no figure may hang the bench.
const deadline = setTimeout(() => {
  console.error("npm run bench: over 15 minutes, giving up")
  process.exit(1)
}, 15 * 60_000)
deadline.unref()

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
