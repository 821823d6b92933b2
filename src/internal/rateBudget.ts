/**
 * The account's rate budget, as the API's replies tell it, with a queue of our own for the
 * requests that must wait for it.
 *
 * effect's `RateLimiter` cannot be resized while fibers wait in it, and its `Semaphore` wakes
 * every waiter on each release; here the budget changes with every reply and a thousand fibers
 * may wait at once, so each queue lets only its first waiter look at the budget and hands over
 * to the next one when it leaves: O(1) work per request, whatever the number of waiters.
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { RateBudget as Policy } from "../GridscaleConfig.js"

/** Who is asking: job polls may take only a share of what remains, so they never starve writes. */
export type Priority = "normal" | "poll"

/**
 * The account's rate budget as the replies tell it, shared by every fiber of one client. The API
 * resets its whole budget at once at `RateLimit-Reset`; until then a sender that would overdraw it
 * waits, instead of drawing a 429.
 */
export interface RateBudget {
  /** Waits until a request may go, reading the time from `clock` and sleeping on it. */
  readonly acquire: (priority: Priority, clock: Clock.Clock) => Effect.Effect<void>
  /** Learns the budget from a reply's headers, received at `now` (Unix ms). */
  readonly observe: (headers: Readonly<Record<string, string>>, now: number) => void
}

/** The longest `RateLimit-Reset` believed: the API's window is 60 s, so anything further is a bad header. */
const maxResetMillis = 61_000
/** The part of the polls' share they may spend at once when a window begins; the rest is paced. */
const pollBurst = 0.5

/** One fiber waiting in a queue. */
interface Waiter {
  prev: Waiter | undefined
  next: Waiter | undefined
  queued: boolean
  /** Resumes the fiber while it is parked. */
  resume: (() => void) | undefined
  /** A wake-up that came while the fiber was not parked: its next park returns at once. */
  woken: boolean
}

/** A first-in, first-out queue of waiters; only its head looks at the budget. */
interface Line {
  readonly priority: Priority
  head: Waiter | undefined
  tail: Waiter | undefined
  /** Since when the head has been refused (Unix ms), so that no wait outlasts one window. */
  blockedSince: number | undefined
}

const wake = (waiter: Waiter | undefined): void => {
  if (waiter === undefined) return
  if (waiter.resume !== undefined) waiter.resume()
  else waiter.woken = true
}

/** Suspends the fiber until `wake`; a wake-up that came first is not lost. */
const park = (waiter: Waiter): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (waiter.woken) {
      waiter.woken = false
      resume(Effect.void)
      return
    }
    waiter.resume = () => {
      waiter.resume = undefined
      resume(Effect.void)
    }
    return Effect.sync(() => {
      waiter.resume = undefined
    })
  })

const enqueue = (line: Line): Waiter => {
  const waiter: Waiter = { prev: line.tail, next: undefined, queued: true, resume: undefined, woken: false }
  if (line.tail === undefined) line.head = waiter
  else line.tail.next = waiter
  line.tail = waiter
  return waiter
}

/** Takes a waiter out of its queue (served or interrupted); a new head is woken to take over. */
const leave = (line: Line, waiter: Waiter): void => {
  if (!waiter.queued) return
  waiter.queued = false
  const wasHead = line.head === waiter
  if (waiter.prev === undefined) line.head = waiter.next
  else waiter.prev.next = waiter.next
  if (waiter.next === undefined) line.tail = waiter.prev
  else waiter.next.prev = waiter.prev
  waiter.prev = undefined
  waiter.next = undefined
  if (wasHead) wake(line.head)
}

/** A header as a whole number, or undefined when it is missing or not a finite number. */
const headerNumber = (headers: Readonly<Record<string, string>>, name: string): number | undefined => {
  const raw = headers[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const value = Number(raw)
  return Number.isFinite(value) ? Math.floor(value) : undefined
}

/**
 * Builds one budget. Before any reply has said anything, `policy.limit` requests may go per
 * `policy.window`; from the first reply carrying `RateLimit-Limit` or `RateLimit-Remaining` on,
 * the server's numbers rule.
 */
export const make = (policy: Policy): Effect.Effect<RateBudget, never, Scope.Scope> =>
  Effect.sync(() => {
    const configuredWindow = Duration.toMillis(policy.window)
    const windowMillis = Number.isFinite(configuredWindow) ? Math.max(1, configuredWindow) : maxResetMillis

    /** `RateLimit-Limit` once a reply has said it. */
    let serverLimit: number | undefined = undefined
    /** The largest `RateLimit-Remaining` heard, for a server that never says its limit. */
    let mostRemaining: number | undefined = undefined
    /** What a window allows: the server's word when it has given one, the ceiling before. */
    const limit = (): number =>
      serverLimit ?? (mostRemaining === undefined ? Math.max(1, policy.limit) : mostRemaining + 1)

    /** When the current window ends (Unix ms); undefined until a request or a reply starts one. */
    let resetAt: number | undefined = undefined
    /** Whether `resetAt` is the server's `RateLimit-Reset` (else a window of our own). */
    let resetFromServer = false
    /** Requests sent in the current window, by us. */
    let taken = 0
    /** Of those, job polls. */
    let polls = 0
    /**
     * What the server last said remains in this window, less what we sent since. Replies do not
     * count requests still in flight, so a later reply only ever lowers it within a window.
     */
    let told = Infinity

    const rollOver = (now: number): void => {
      if (resetAt !== undefined && now >= resetAt) {
        resetAt = undefined
        resetFromServer = false
        taken = 0
        polls = 0
        told = Infinity
      }
    }

    const left = (): number => Math.min(limit() - taken, told)

    const normals: Line = { priority: "normal", head: undefined, tail: undefined, blockedSince: undefined }
    const pollers: Line = { priority: "poll", head: undefined, tail: undefined, blockedSince: undefined }

    /**
     * How long a poll must wait for its share (0: it may go now). Polls take at most
     * `pollShare` of what is left, and that share is spread over the window: spent at its start,
     * it would leave every job unseen until the reset.
     */
    const pollWait = (available: number, now: number): number => {
      const share = policy.pollShare * (available + polls)
      if (polls + 1 > share) return resetAt === undefined ? windowMillis : resetAt - now
      if (resetAt === undefined) return 0
      // A server's window longer than ours counts as just begun, so that pacing stays within a window.
      const elapsed = Math.max(0, 1 - (resetAt - now) / windowMillis)
      const needed = Math.max(0, (polls + 1) / share - pollBurst)
      return elapsed >= needed ? 0 : (needed - elapsed) * windowMillis
    }

    /**
     * Takes one request from the budget for `line`, or says how long its head should wait before
     * looking again. A head refused for a whole window (or until the server's reset, when that is
     * later) is let through anyway: one request that asks the server again, so that no bad header
     * and no share too small to allow a single poll stops a queue for good.
     */
    const attempt = (line: Line, now: number): number => {
      rollOver(now)
      const available = left()
      let wait = available < 1
        ? (resetAt === undefined ? windowMillis : resetAt - now)
        : line.priority === "poll"
        ? pollWait(available, now)
        : 0
      if (wait > 0) {
        line.blockedSince ??= now
        // The server's reset (never more than 61 s ahead) is worth waiting for; past that, and
        // with only a window of our own, one window is the longest a queue stays shut.
        const deadline = Math.max(line.blockedSince + windowMillis, resetFromServer ? resetAt ?? 0 : 0)
        wait = Math.min(wait, deadline - now)
      }
      if (wait > 0) return Math.max(1, Math.ceil(wait))
      line.blockedSince = undefined
      if (resetAt === undefined) {
        // The first request of a window starts one of our own; a reply's reset replaces it.
        resetAt = now + windowMillis
        resetFromServer = false
      }
      taken += 1
      if (line.priority === "poll") polls += 1
      told = Math.max(0, told - 1)
      return 0
    }

    /** The head of `line` serves itself when it can; the others wait to become head. */
    const serve = (line: Line, waiter: Waiter, clock: Clock.Clock): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (line.head !== waiter) return Effect.zipRight(park(waiter), serve(line, waiter, clock))
        const wait = attempt(line, clock.unsafeCurrentTimeMillis())
        if (wait === 0) {
          leave(line, waiter)
          return Effect.void
        }
        // A reply that grows the budget wakes the head before its time is up. Both sides are
        // interruptible on their own, so that the race can end its loser in an uninterruptible
        // region too (a clean-up's requests): it would otherwise wait for the loser forever.
        return Effect.zipRight(
          Effect.race(Effect.interruptible(clock.sleep(Duration.millis(wait))), Effect.interruptible(park(waiter))),
          serve(line, waiter, clock)
        )
      })

    const acquire = (priority: Priority, clock: Clock.Clock): Effect.Effect<void> =>
      Effect.suspend(() => {
        const line = priority === "poll" ? pollers : normals
        // Nobody waiting: go now if the budget allows; otherwise queue, so that order is kept.
        if (line.head === undefined && attempt(line, clock.unsafeCurrentTimeMillis()) === 0) return Effect.void
        const waiter = enqueue(line)
        return Effect.onInterrupt(serve(line, waiter, clock), () => Effect.sync(() => leave(line, waiter)))
      })

    const observe = (headers: Readonly<Record<string, string>>, now: number): void => {
      const leftBefore = left()
      const resetBefore = resetAt
      rollOver(now)
      const headerLimit = headerNumber(headers, "ratelimit-limit")
      const remaining = headerNumber(headers, "ratelimit-remaining")
      const reset = headerNumber(headers, "ratelimit-reset")
      if (headerLimit !== undefined && headerLimit > 0) serverLimit = headerLimit
      if (remaining !== undefined) {
        const said = Math.max(0, remaining)
        mostRemaining = Math.max(mostRemaining ?? 0, said)
        if (reset !== undefined && reset <= now) {
          // The window this reply speaks of has ended: what it says remains is stale.
        } else if (reset !== undefined && reset - now <= maxResetMillis) {
          if (resetAt !== undefined && resetFromServer && reset > resetAt) {
            // The server has begun a window we had not: its word, from zero. (Requests of
            // ours still in flight may be missing from it; a 429 for those is retried.)
            taken = 0
            polls = 0
            told = said
            resetAt = reset
          } else if (resetAt === undefined || !resetFromServer) {
            // The first word on this window: what we sent in it stays counted.
            told = Math.min(told, said)
            resetAt = reset
            resetFromServer = true
          } else if (reset === resetAt) {
            told = Math.min(told, said)
          }
          // Else a reply from an earlier window, arriving late: stale.
        } else {
          // No usable reset (missing, not a number, a date, microseconds, far ahead): this
          // window is ours, and ends at most one window from its first request.
          if (resetAt === undefined) {
            resetAt = now + windowMillis
            resetFromServer = false
          }
          told = Math.min(told, said)
        }
      }
      // The budget grew (a first reply, a new window) or its window moved: the heads look again.
      if (left() > leftBefore || resetAt !== resetBefore) {
        wake(normals.head)
        wake(pollers.head)
      }
    }

    return { acquire, observe }
  })
