/**
 * The rate budget on its own, on `TestClock`: the client-side ceiling only until the server has
 * spoken, bad `RateLimit-Reset` headers, first-in first-out queues with bounded work, polls
 * beside writes, and interruption.
 */
import { describe, expect, it } from "@effect/vitest"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as RateBudget from "../../src/internal/rateBudget.js"

type Headers = Record<string, string>

const policy = (overrides?: Partial<GridscaleConfig.RateBudget>): GridscaleConfig.RateBudget => ({
  ...GridscaleConfig.defaultRate,
  ...overrides
})

/**
 * An account as the API keeps it: `limit` requests per fixed window of `windowMillis` from 0, each
 * reply saying what is left and when the window ends. `over` counts the requests it would answer 429.
 */
const account = (limit: number, windowMillis = 60_000) => {
  let windowEnd = windowMillis
  let used = 0
  const state = { over: 0 }
  const reply = (now: number): Headers => {
    while (now >= windowEnd) {
      windowEnd += windowMillis
      used = 0
    }
    used += 1
    if (used > limit) state.over += 1
    return {
      "ratelimit-limit": String(limit),
      "ratelimit-remaining": String(Math.max(0, limit - used)),
      "ratelimit-reset": String(windowEnd)
    }
  }
  return Object.assign(state, { reply })
}

/** One request: waits for the budget, is "sent" (its time recorded), and its reply observed. */
const send = (
  budget: RateBudget.RateBudget,
  reply: (now: number) => Headers,
  sent: Array<number>,
  priority: RateBudget.Priority = "normal"
) =>
  Effect.clockWith((clock) =>
    Effect.zipRight(
      budget.acquire(priority, clock),
      Effect.sync(() => {
        const now = clock.unsafeCurrentTimeMillis()
        sent.push(now)
        budget.observe(reply(now), now)
      })
    )
  )

/**
 * Moves `TestClock` on in steps of `step` ms until `fiber` is done or `millis` have passed (each
 * sleeper still wakes at its own time: the step only bounds the overshoot).
 */
const drive = <A, E>(fiber: Fiber.RuntimeFiber<A, E>, millis: number, step = 5_000) =>
  Effect.gen(function*() {
    for (let t = 0; t < millis && fiber.unsafePoll() === null; t += step) yield* TestClock.adjust(step)
    return fiber.unsafePoll() !== null
  })

/** Lets the other fibers run (the clock standing still) until `done` holds, or a bounded number of turns. */
const settle = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 5_000 && !done(); i++) yield* Effect.yieldNow()
  })

/** How many of `at` fall within [from, to). */
const within = (at: ReadonlyArray<number>, from: number, to: number) => at.filter((t) => t >= from && t < to).length

describe("rate budget: the client-side ceiling and the server's limit", () => {
  it.scoped("a server allowing 100,000 per window: 300 sequential requests are not paced by the 210 ceiling", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy())
      const server = account(100_000)
      const sent: Array<number> = []
      const fiber = yield* Effect.fork(Effect.repeatN(send(budget, server.reply, sent), 299))
      expect(yield* drive(fiber, 1_000, 100)).toBe(true)
      expect(sent).toHaveLength(300)
      expect(sent.every((t) => t === 0)).toBe(true)
    }))

  it.scoped("ceiling 210, server 1,000: a fresh burst goes 210 at once, the rest as soon as a reply tells the limit", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy())
      const server = account(1_000)
      const sent: Array<number> = []
      const acquired: Array<number> = []
      // 500 fibers ask before any reply: the ceiling lets 210 through.
      const burst = yield* Effect.forEach(
        Array.from({ length: 500 }, () => 0),
        () =>
          Effect.fork(
            Effect.clockWith((clock) => budget.acquire("normal", clock)).pipe(
              Effect.zipRight(Effect.sync(() => acquired.push(0)))
            )
          )
      )
      yield* Effect.yieldNow()
      expect(acquired).toHaveLength(210)
      // The first reply says 1,000 per window, 210 spent: the other 290 go at once.
      for (let i = 0; i < 210; i++) budget.observe(server.reply(0), 0)
      yield* settle(() => acquired.length === 500)
      expect(acquired).toHaveLength(500)
      yield* Fiber.joinAll(burst)
      // The window holds 1,000 in all, no more.
      const rest = yield* Effect.fork(Effect.repeatN(send(budget, server.reply, sent), 549))
      expect(yield* drive(rest, 61_000)).toBe(true)
      expect(within(sent, 0, 60_000)).toBe(500)
      expect(within(sent, 60_000, 61_000)).toBe(50)
      expect(server.over).toBe(0)
    }))

  it.scoped("ceiling 210, server 50: after the first reply, 50 per window", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy())
      const server = account(50)
      const sent: Array<number> = []
      const fiber = yield* Effect.fork(Effect.repeatN(send(budget, server.reply, sent), 119))
      expect(yield* drive(fiber, 121_000)).toBe(true)
      expect([within(sent, 0, 60_000), within(sent, 60_000, 120_000), within(sent, 120_000, 180_000)])
        .toEqual([50, 50, 20])
      expect(server.over).toBe(0)
    }))

  it.scoped("before any reply, the ceiling holds: limit per window", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy({ limit: 5, window: Duration.seconds(10) }))
      const sent: Array<number> = []
      const fiber = yield* Effect.fork(Effect.repeatN(send(budget, () => ({}), sent), 11))
      expect(yield* drive(fiber, 30_000)).toBe(true)
      expect(sent).toEqual([0, 0, 0, 0, 0, 10_000, 10_000, 10_000, 10_000, 10_000, 20_000, 20_000])
    }))
})

describe("rate budget: bad RateLimit-Reset headers", () => {
  const now0 = 0
  const bad: ReadonlyArray<[string, Headers]> = [
    ["missing", {}],
    ["not a number", { "ratelimit-reset": "NaN" }],
    ["an HTTP date", { "ratelimit-reset": "Wed, 21 Oct 2026 07:28:00 GMT" }],
    ["in microseconds", { "ratelimit-reset": String((now0 + 30_000) * 1_000) }],
    ["10 minutes ahead", { "ratelimit-reset": String(now0 + 600_000) }],
    ["empty", { "ratelimit-reset": "" }]
  ]
  for (const [name, reset] of bad) {
    it.scoped(`Remaining 0 with a reset ${name}: each next request goes within one window`, () =>
      Effect.gen(function*() {
        const budget = yield* RateBudget.make(policy({ window: Duration.seconds(20) }))
        const sent: Array<number> = []
        const reply = (): Headers => ({ "ratelimit-limit": "210", "ratelimit-remaining": "0", ...reset })
        const fiber = yield* Effect.fork(Effect.repeatN(send(budget, reply, sent), 3))
        expect(yield* drive(fiber, 80_000)).toBe(true)
        expect(sent).toHaveLength(4)
        for (let i = 1; i < sent.length; i++) {
          // Spent: it waits (the server said so), but never longer than the window.
          expect(sent[i] - sent[i - 1]).toBeGreaterThan(0)
          expect(sent[i] - sent[i - 1]).toBeLessThanOrEqual(20_000)
        }
      }))
  }

  it.scoped("a server always saying Remaining 200 and no reset: the client keeps going, 201 per window", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy())
      const sent: Array<number> = []
      const reply = (): Headers => ({ "ratelimit-remaining": "200" })
      const fiber = yield* Effect.fork(Effect.repeatN(send(budget, reply, sent), 999))
      expect(yield* drive(fiber, 400_000)).toBe(true)
      expect(sent).toHaveLength(1_000)
      expect(within(sent, 0, 60_000)).toBe(201)
      expect(Math.max(...sent)).toBeLessThanOrEqual(5 * 60_000)
    }))

  it.scoped("a server saying Limit 50 and Remaining but never a reset: 50 per window, never stopped", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy({ window: Duration.seconds(10) }))
      // The account's windows are 10 s, as configured, but its replies never say when one ends.
      const server = account(50, 10_000)
      const reply = (now: number): Headers => {
        const { "ratelimit-reset": _, ...rest } = server.reply(now)
        return rest
      }
      const sent: Array<number> = []
      const fiber = yield* Effect.fork(Effect.repeatN(send(budget, reply, sent), 119))
      expect(yield* drive(fiber, 40_000)).toBe(true)
      expect([within(sent, 0, 10_000), within(sent, 10_000, 20_000), within(sent, 20_000, 30_000)])
        .toEqual([50, 50, 20])
      expect(server.over).toBe(0)
    }))

  it.scoped("a reply from a window that has ended does not hold the next request", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy())
      yield* TestClock.adjust(5_000)
      budget.observe({ "ratelimit-limit": "210", "ratelimit-remaining": "0", "ratelimit-reset": "4000" }, 5_000)
      const sent: Array<number> = []
      yield* send(budget, () => ({}), sent)
      expect(sent).toEqual([5_000])
    }))
})

describe("rate budget: queues", () => {
  /** The test's clock, counting how often the budget reads it and sleeps on it. */
  const counting = (clock: Clock.Clock) => {
    const counts = { reads: 0, sleeps: 0 }
    const wrapped: Clock.Clock = Object.assign(Object.create(clock) as Clock.Clock, {
      unsafeCurrentTimeMillis: () => {
        counts.reads += 1
        return clock.unsafeCurrentTimeMillis()
      },
      sleep: (duration: Duration.Duration) => {
        counts.sleeps += 1
        return clock.sleep(duration)
      }
    })
    return { counts, clock: wrapped }
  }

  it.scoped("1,000 concurrent waiters are served first in, first out, with bounded work per request", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy({ limit: 100, window: Duration.seconds(1) }))
      const server = account(100, 1_000)
      const { clock, counts } = counting(yield* Effect.clock)
      const order: Array<number> = []
      const at: Array<number> = []
      const fibers: Array<Fiber.RuntimeFiber<void>> = []
      for (let i = 0; i < 1_000; i++) {
        fibers.push(
          yield* Effect.fork(
            Effect.zipRight(
              budget.acquire("normal", clock),
              Effect.sync(() => {
                const now = clock.unsafeCurrentTimeMillis()
                order.push(i)
                at.push(now)
                budget.observe(server.reply(now), now)
              })
            )
          )
        )
        // Each fiber is in the queue before the next one asks.
        yield* Effect.yieldNow()
      }
      const all = Fiber.joinAll(fibers)
      const done = yield* Effect.fork(all)
      expect(yield* drive(done, 11_000, 250)).toBe(true)
      expect(order).toEqual(Array.from({ length: 1_000 }, (_, i) => i))
      for (let w = 0; w < 10; w++) expect(within(at, w * 1_000, (w + 1) * 1_000)).toBe(100)
      expect(server.over).toBe(0)
      // Each request reads the clock a few times, and only the head of the queue sleeps: work
      // grows with the requests, not with requests × waiters (which would be ~500,000 here).
      expect(counts.reads).toBeLessThanOrEqual(3 * 1_000)
      expect(counts.sleeps).toBeLessThanOrEqual(2 * 10)
    }))

  it.scoped("a poll waiting for its share does not hold up a write", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy())
      const server = account(1_000)
      const sent: Array<number> = []
      // A first reply tells the budget: 1,000 per window.
      yield* send(budget, server.reply, sent)
      const polls: Array<number> = []
      const pollFibers = yield* Effect.forEach(
        Array.from({ length: 400 }, () => 0),
        () => Effect.fork(send(budget, server.reply, polls, "poll"))
      )
      yield* Effect.yieldNow()
      // Half of the polls' share (half of what remains) goes at once; the rest is paced.
      expect(polls.length).toBeGreaterThan(0)
      expect(polls.length).toBeLessThan(400)
      const writes: Array<number> = []
      yield* Effect.fork(send(budget, server.reply, writes))
      yield* settle(() => writes.length === 1)
      expect(writes).toEqual([0])
      yield* Effect.forEach(pollFibers, Fiber.interrupt)
    }))

  it.scoped("polls take at most their share of what remains; the rest wait for the reset", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy())
      const server = account(10)
      const sent: Array<number> = []
      yield* send(budget, server.reply, sent)
      const polls: Array<number> = []
      const fiber = yield* Effect.fork(
        Effect.forEach(Array.from({ length: 6 }, () => 0), () => send(budget, server.reply, polls, "poll"), {
          concurrency: "unbounded"
        })
      )
      expect(yield* drive(fiber, 61_000)).toBe(true)
      // 9 remained: polls may take 4 of them in this window; the others go after the reset.
      expect(within(polls, 0, 60_000)).toBe(4)
      expect(within(polls, 60_000, 61_000)).toBe(2)
      // The writes still have the rest.
      const writes: Array<number> = []
      const w = yield* Effect.fork(Effect.repeatN(send(budget, server.reply, writes), 3))
      expect(yield* drive(w, 1_000)).toBe(true)
      expect(writes).toHaveLength(4)
    }))

  it.scoped("an interrupted waiter leaves the queue and takes no request", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy({ limit: 2, window: Duration.seconds(10) }))
      const sent: Array<number> = []
      yield* send(budget, () => ({}), sent)
      yield* send(budget, () => ({}), sent)
      const got: Array<string> = []
      const waiter = (name: string) =>
        Effect.fork(
          Effect.clockWith((clock) => budget.acquire("normal", clock)).pipe(
            Effect.zipRight(Effect.sync(() => got.push(name)))
          )
        )
      const a = yield* waiter("a")
      yield* Effect.yieldNow()
      const b = yield* waiter("b")
      yield* Effect.yieldNow()
      const c = yield* waiter("c")
      yield* Effect.yieldNow()
      const d = yield* waiter("d")
      yield* Effect.yieldNow()
      // The head and one behind it give up.
      yield* Fiber.interrupt(a)
      yield* Fiber.interrupt(c)
      yield* TestClock.adjust(10_000)
      yield* Fiber.join(b)
      yield* Fiber.join(d)
      expect(got).toEqual(["b", "d"])
    }))

  it.scoped("a spent budget is waited out in an uninterruptible region too (a clean-up's requests)", () =>
    Effect.gen(function*() {
      const budget = yield* RateBudget.make(policy())
      const clock = yield* Effect.clock
      budget.observe({ "ratelimit-limit": "210", "ratelimit-remaining": "0", "ratelimit-reset": "1000" }, 0)
      const fiber = yield* Effect.fork(Effect.uninterruptible(budget.acquire("normal", clock)))
      yield* TestClock.adjust(1_000)
      yield* TestClock.adjust(0)
      expect(fiber.unsafePoll()?._tag).toBe("Success")
    }))
})
