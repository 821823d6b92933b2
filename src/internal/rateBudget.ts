import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as RateLimiter from "effect/RateLimiter"
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
  /** Waits until a request may go, reading the time from `clock`. */
  readonly acquire: (priority: Priority, clock: Clock.Clock) => Effect.Effect<void>
  /** Learns the budget from a reply's headers, received at `now` (Unix ms). */
  readonly observe: (headers: Readonly<Record<string, string>>, now: number) => void
}

/** The longest wait for a reset: the API's window is 60 s, so anything longer is a bad header. */
const maxWaitMillis = 61_000
/** The part of the polls' share they may spend at once when a window begins; the rest is paced. */
const pollBurst = 0.5
/** How long to look again when the budget is spent but no reply has said when it resets. */
const unknownResetRetryMillis = 250

const headerNumber = (headers: Readonly<Record<string, string>>, name: string): number | undefined => {
  const raw = headers[name]
  if (raw === undefined) return undefined
  const value = Number(raw)
  return Number.isFinite(value) ? value : undefined
}

export const make = (policy: Policy): Effect.Effect<RateBudget, never, Scope.Scope> =>
  Effect.gen(function*() {
    const ceiling = Number.isFinite(policy.limit)
      ? yield* RateLimiter.make({ limit: policy.limit, interval: policy.window, algorithm: "token-bucket" })
      : undefined
    let limit = Number.isFinite(policy.limit) ? policy.limit : undefined
    let remaining: number | undefined = undefined
    let resetAt: number | undefined = undefined
    let polls = 0
    // Requests sent since the window began, as far as we know: replies do not yet count those
    // still in flight.
    let taken = 0

    const rollOver = (now: number) => {
      if (resetAt !== undefined && now >= resetAt) {
        remaining = limit
        resetAt = undefined
        polls = 0
        taken = 0
      }
    }

    const windowMillis = Duration.toMillis(policy.window)

    /**
     * How long a poll must wait (0: it may go now). Polls take at most their share of what is
     * left, and that share is spread over the window: spent at its start, it would leave every
     * job unseen until the reset.
     */
    const pollWait = (left: number, now: number): number => {
      const share = policy.pollShare * (left + polls)
      if (polls + 1 > share) return Infinity
      if (resetAt === undefined) return 0
      const elapsed = 1 - (resetAt - now) / windowMillis
      const needed = Math.max(0, (polls + 1) / share - pollBurst)
      return elapsed >= needed ? 0 : (needed - elapsed) * windowMillis
    }

    /** Takes one request from the budget, or says how long to wait before asking again. */
    const take = (priority: Priority, now: number): number => {
      rollOver(now)
      if (remaining === undefined) {
        taken += 1
        return 0
      }
      const wait = remaining <= 0 ? Infinity : priority === "poll" ? pollWait(remaining, now) : 0
      if (wait === 0) {
        remaining -= 1
        taken += 1
        if (priority === "poll") polls += 1
        return 0
      }
      const untilReset = resetAt === undefined ? unknownResetRetryMillis : resetAt - now
      return Math.min(Math.max(Math.min(wait, untilReset), 1), maxWaitMillis)
    }

    const acquireBudget = (priority: Priority, clock: Clock.Clock): Effect.Effect<void> =>
      Effect.suspend(() => {
        const wait = take(priority, clock.unsafeCurrentTimeMillis())
        return wait === 0
          ? Effect.void
          : Effect.zipRight(Effect.sleep(Duration.millis(wait)), acquireBudget(priority, clock))
      })

    const acquire = (priority: Priority, clock: Clock.Clock): Effect.Effect<void> =>
      ceiling === undefined ? acquireBudget(priority, clock) : ceiling(acquireBudget(priority, clock))

    const observe = (headers: Readonly<Record<string, string>>, now: number): void => {
      const headerLimit = headerNumber(headers, "ratelimit-limit")
      const headerRemaining = headerNumber(headers, "ratelimit-remaining")
      const headerReset = headerNumber(headers, "ratelimit-reset")
      if (headerLimit !== undefined && headerLimit > 0) limit = headerLimit
      if (headerRemaining === undefined) return
      // A reply from a window that has ended, or from before the current one, is stale.
      if (headerReset !== undefined && (headerReset <= now || (resetAt !== undefined && headerReset < resetAt))) {
        return
      }
      if (headerReset !== undefined && (resetAt === undefined || headerReset > resetAt)) {
        // A new window: the reply is the truth about what others spent, but it cannot count
        // our requests still in flight.
        resetAt = headerReset
        const windowLimit = headerLimit ?? limit
        remaining = windowLimit === undefined
          ? headerRemaining
          : Math.min(headerRemaining, Math.max(0, windowLimit - taken))
        return
      }
      remaining = remaining === undefined ? headerRemaining : Math.min(remaining, headerRemaining)
    }

    return { acquire, observe }
  })
