/**
 * The polling schedule's trade-off without a network: for job durations, when the caller sees the
 * end (lag) and how many polls it took, drawn 2,000 times through `GridscalePolling.schedule`
 * (jitter included), for the default policy and some alternatives. `npx tsx bench/schedule.ts`.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as Intervals from "effect/ScheduleIntervals"
import type { PollingPolicy } from "../src/GridscaleConfig.js"
// From the root entry: importing GridscalePolling.js first trips over the GridscaleConnection cycle.
import { GridscaleConfig, GridscalePolling } from "../src/index.js"
import { quantile, round } from "./lib.js"

/** The times (ms after the write) of the polls, up to `until`. */
const pollTimes = (policy: PollingPolicy, until: number): Array<number> => {
  const schedule = GridscalePolling.schedule(policy) as Schedule.Schedule<unknown, unknown, never>
  let state = schedule.initial
  let now = Duration.toMillis(policy.initialDelay)
  const times = [now]
  while (now < until) {
    const [next, , decision] = Effect.runSync(schedule.step(now, undefined, state))
    if (ScheduleDecision.isDone(decision)) break
    state = next
    now = Math.max(now, Intervals.start(decision.intervals))
    times.push(now)
  }
  return times
}

/** Lag and polls of jobs of `min` to `max` ms (drawn uniformly), over `runs` draws of the jitter. */
export const simulate = (policy: PollingPolicy, min: number, max: number, runs = 2000) => {
  const lags: Array<number> = []
  const polls: Array<number> = []
  for (let i = 0; i < runs; i++) {
    const duration = min + Math.random() * (max - min)
    const times = pollTimes(policy, duration + 10 * Duration.toMillis(policy.maxInterval))
    const seen = times.findIndex((t) => t >= duration)
    lags.push(times[seen] - duration)
    polls.push(seen + 1)
  }
  return {
    lagMedian: quantile(lags, 0.5),
    lagP95: quantile(lags, 0.95),
    lagMax: Math.max(...lags),
    pollsMedian: quantile(polls, 0.5)
  }
}

const defaultPolling = GridscaleConfig.defaultPolling

const policies: Record<string, PollingPolicy> = {
  "default (100 ms, x1.1 for 2 s, then x1.4, cap 1.9 s)": defaultPolling,
  "cap 5 s": { ...defaultPolling, maxInterval: Duration.seconds(5) },
  "cap 1 s": { ...defaultPolling, maxInterval: Duration.seconds(1) },
  "fixed 0.5 s (libcloud)": {
    ...defaultPolling,
    initialDelay: Duration.millis(500),
    youngFactor: 1,
    oldFactor: 1,
    maxInterval: Duration.millis(500)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    "| schedule | 1.0-1.4 s jobs: lag median / p95, polls | 4-6 s: lag median, polls | 25-35 s: lag median / max, polls | polls per minute of a long job |"
  )
  console.log("| --- | --- | --- | --- | --- |")
  for (const [name, policy] of Object.entries(policies)) {
    const a = simulate(policy, 1000, 1400)
    const b = simulate(policy, 4000, 6000)
    const c = simulate(policy, 25_000, 35_000)
    // A long job, past the growth phase, costs one poll per (jittered, capped) interval.
    const late = pollTimes(policy, 600_000).filter((t) => t > 60_000 && t <= 540_000).length / 8
    console.log(
      `| ${name} | ${round(a.lagMedian, 0)} / ${round(a.lagP95, 0)} ms, ${a.pollsMedian} | ` +
        `${round(b.lagMedian, 0)} ms, ${b.pollsMedian} | ${round(c.lagMedian, 0)} / ${round(c.lagMax, 0)} ms, ` +
        `${c.pollsMedian} | ${round(late, 0)} |`
    )
  }
}
