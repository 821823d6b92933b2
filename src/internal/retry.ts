/**
 * What may be retried, after how long, and what a failure says about a write that may have
 * happened (DESIGN.md, "Retry rules").
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import type { RetryPolicy } from "../GridscaleConfig.js"
import type { GridscaleError } from "../GridscaleError.js"

/** The HTTP methods the connection sends. */
export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE"

/** One attempt's failure, with what the retry policy needs to know about it. */
export class AttemptFailure {
  constructor(
    readonly error: GridscaleError,
    readonly retryable: boolean,
    /** When the API asked to be tried again (Unix ms), if it did. */
    readonly retryAt?: number | undefined
  ) {}
}

/** Every method but POST can be sent twice without doing twice what it does. */
export const isIdempotent = (method: Method): boolean => method !== "POST"

/**
 * Whether a reply's status is worth another attempt. 429, 503 and 424 say the request was not
 * carried out, so even a POST may go again; after anything else a POST may have created
 * something, and sending it again could create it twice.
 */
export const isRetryableStatus = (method: Method, status: number): boolean => {
  if (status === 429 || status === 503 || status === 424) return true
  return isIdempotent(method) && (status === 409 || (status >= 500 && status <= 599))
}

/** The latest instant a `Date` can hold: later "retry at" values are garbage. */
const maxDateMillis = 8.64e15

/**
 * When the API asked to be tried again, as Unix ms: `Retry-After` (seconds or an HTTP date) on
 * any reply, and on a 429 also `RateLimit-Reset` (Unix ms), whichever is later. Every reply
 * carries `RateLimit-Reset`: on anything but a 429 it says when the rate window ends, not when to
 * retry, so it is not read there.
 */
export const requestedRetryAt = (
  status: number,
  headers: Readonly<Record<string, string>>,
  now: number
): number | undefined => {
  let at: number | undefined
  const retryAfter = headers["retry-after"]
  if (retryAfter !== undefined && retryAfter.trim().length > 0) {
    const seconds = Number(retryAfter)
    const millis = Number.isFinite(seconds) ? now + Math.max(seconds, 0) * 1000 : Date.parse(retryAfter)
    if (Number.isFinite(millis)) at = millis
  }
  if (status === 429) {
    const reset = Number(headers["ratelimit-reset"])
    if (headers["ratelimit-reset"] !== undefined && Number.isFinite(reset) && reset > 0) {
      at = at === undefined ? reset : Math.max(at, reset)
    }
  }
  return at !== undefined && at <= maxDateMillis ? at : undefined
}

/**
 * The retry schedule: exponential from `baseDelay` (jittered ±20%, capped at `maxDelay`), never
 * sooner than the API asked, at most `maxRetries` retries, and none that would start later than
 * `maxElapsed` after `startedAt`: when the API asks for a longer wait than is left, it stops at once.
 * Each retry is logged at debug level with its reason and delay.
 */
export const schedule = (
  policy: RetryPolicy,
  describe: { readonly method: Method; readonly path: string; readonly startedAt: number }
): Schedule.Schedule<number, AttemptFailure> => {
  const base = Duration.toMillis(policy.baseDelay)
  const cap = Duration.toMillis(policy.maxDelay)
  const deadline = describe.startedAt + Duration.toMillis(policy.maxElapsed)
  return Schedule.makeWithState(0, (now, failure: AttemptFailure, retries) => {
    if (!failure.retryable || retries >= policy.maxRetries) {
      return Effect.succeed([retries, retries, ScheduleDecision.done])
    }
    return Effect.flatMap(Random.nextRange(0.8, 1.2), (jitter) => {
      const backoff = Math.min(base * 2 ** retries * jitter, cap)
      const delay = Math.max(backoff, failure.retryAt === undefined ? 0 : failure.retryAt - now)
      if (now + delay > deadline) return Effect.succeed([retries, retries, ScheduleDecision.done] as const)
      return Effect.as(
        Effect.logDebug(
          `gridscale: retry ${retries + 1} of ${describe.method} ${describe.path} in ${Math.round(delay)} ms ` +
            `after: ${failure.error.message}`
        ),
        [retries + 1, retries + 1, ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))] as const
      )
    })
  })
}

/** Whether an error says a write may have been carried out. */
export const mayHaveApplied = (error: GridscaleError): boolean => "outcomeUnknown" in error && error.outcomeUnknown
