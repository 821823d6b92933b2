/**
 * Synthetic figures, not part of the default run (`npm run bench -- polling`, about 3 minutes):
 * how soon a caller sees its job end, on the simulator's loopback server with its own small
 * objects, the client's rate ceiling off unless a figure says otherwise. They say what the
 * polling schedule and the rate budget do over time, which the default figures do not.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Gridscale from "../src/Gridscale.js"
import { defaultPolling } from "../src/GridscaleConfig.js"
import type { Progress } from "../src/GridscalePolling.js"
import { locationId } from "../src/GridscaleSimulator.js"
import { clientRuntime, pool, round, type SimulatorProcess, startSimulator, summarize, type Summary } from "./lib.js"

/** What a figure reports; see run.ts. */
export interface Reported {
  readonly figure: string
  readonly name: string
  readonly values: Record<string, unknown>
  readonly targets: Record<string, string>
  readonly pass: boolean | null
}

const summary = (s: Summary) => ({ n: s.n, median: round(s.median), p95: round(s.p95), max: round(s.max) })

// --- P1/P2. job detection (synthetic) ---------------------------------------------------------

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

const figureDetection = async (sim: SimulatorProcess, report: (figure: Reported) => void) => {
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
    const name = `synthetic: job detection ${band.min / 1000}-${band.max / 1000} s`
    if (band.max <= 1400) {
      const pollTarget = band.min === 1000
      const pass = lag.median <= 150 && lag.p95 <= 250 && (!pollTarget || polls.median <= 11)
      report({
        figure: "P1",
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
        figure: "P1",
        name,
        values: { lag: summary(lag), polls: summary(polls), lagShare: summary(lagShare) },
        targets: { "lagShare.median": "<= 0.35" },
        pass: lagShare.median <= 0.35
      })
    } else {
      report({
        figure: "P1",
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
  const interval = summarize(failed.flatMap((r) => (Number.isFinite(r.lastInterval) ? [r.lastInterval] : [])))
  // The poll that saw `failed` was sent after the job failed, the one before it before: the lag
  // is at most that gap plus the reply's trip back (a few ms on loopback).
  // A job that failed before its second poll has no gap to compare with.
  const over = failed.flatMap((r) => (Number.isFinite(r.lastInterval) ? [r.lag - r.lastInterval] : []))
  report({
    figure: "P2",
    name: "synthetic: failed job to JobFailed (1.0-1.4 s jobs)",
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

// --- P3. polling on a real budget (synthetic) -----------------------------------------------------

const figureBudget = async (report: (figure: Reported) => void) => {
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
      figure: "P3",
      name: "synthetic: 20 jobs of 5-15 s on the real budget (210/60 s, client defaults)",
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

/** The polling figures, each on a simulator of its own. */
export const figurePolling = async (report: (figure: Reported) => void) => {
  const sim = await startSimulator({ seed: 1 })
  try {
    await figureDetection(sim, report)
  } finally {
    await sim.close()
  }
  await figureBudget(report)
}
