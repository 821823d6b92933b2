/**
 * The poll loop behind `GridscalePolling`: `GET /requests/{id}` on a schedule until the job is
 * done or failed, within a deadline. It sends its GETs through whatever it is handed, so it
 * depends on no connection.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type { PollingPolicy } from "../GridscaleConfig.js"
import { type GridscaleError, JobFailed, JobTimeout } from "../GridscaleError.js"
import { checkId } from "./input.js"

/** The state of one job, as `/requests/{id}` tells it. */
export const RequestStatus = Schema.Struct({
  /** `pending`, `done` or `failed`. */
  status: Schema.String,
  /** What the API says about the job. */
  message: Schema.optional(Schema.NullOr(Schema.String)),
  /** When the job was created, ISO 8601. */
  create_time: Schema.optional(Schema.NullOr(Schema.String))
})

/** The reply of `GET /requests/{id}`: the status keyed by the request id. */
export const RequestStatusReply = Schema.Record({ key: Schema.String, value: RequestStatus })

/** What a caller hears after each poll, e.g. to draw a progress line. */
export interface Progress {
  /** The job's id. */
  readonly requestId: string
  /** `pending`, `done`, `failed`, or whatever else the API said. */
  readonly status: string
  /** Polls sent so far for this job. */
  readonly polls: number
  /** Time since the wait began. */
  readonly elapsedMillis: number
}

/** How one wait may differ from the polling policy. */
export interface AwaitOptions {
  /** The deadline for this job; the configured polling timeout by default. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Called after every poll. */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/** How the poller sends its GETs: decoded with `schema`, at the polls' priority. */
export type Get = <A, I>(
  path: string,
  options: { readonly schema: Schema.Schema<A, I, never>; readonly priority: "poll" }
) => Effect.Effect<A, GridscaleError>

/**
 * The delays between polls after the first: growing by `youngFactor` while the job is young (so
 * short jobs are seen soon), by `oldFactor` afterwards (so long jobs cost few polls), jittered, and
 * capped after the jitter so the cap always holds.
 */
export const schedule = (policy: PollingPolicy): Schedule.Schedule<unknown> => {
  const young = Duration.toMillis(policy.youngFor)
  const cap = Duration.toMillis(policy.maxInterval)
  const first = Duration.toMillis(policy.initialDelay)
  return Schedule.unfold({ delay: first * policy.youngFactor, elapsed: first }, ({ delay, elapsed }) => {
    const next = Math.min(delay, cap) + elapsed
    return { delay: delay * (next < young ? policy.youngFactor : policy.oldFactor), elapsed: next }
  }).pipe(
    Schedule.addDelay(({ delay }) => Duration.millis(Math.min(delay, cap))),
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, Duration.millis(cap)))
  )
}

// A long wait is worth a log line: first after 10 s, then every 30 s.
const firstNoticeMillis = 10_000
const noticeEveryMillis = 30_000

type Status = typeof RequestStatus.Type

// Any status other than these two (the API documents "pending"; others may come) means "not yet".
const isFinished = (status: Status) => status.status === "done" || status.status === "failed"

/**
 * `/requests/{id}` keys the status by the request id; a reply with a single entry is taken as it.
 * Keys are read as own properties only: a key such as `__proto__` is data like any other.
 */
const statusOf = (requestId: string, reply: Readonly<Record<string, Status>>): Status | undefined => {
  if (Object.hasOwn(reply, requestId)) return reply[requestId]
  const keys = Object.keys(reply)
  return keys.length === 1 ? reply[keys[0]!] : undefined
}

/** Builds `awaitRequest` on a way of sending GETs. */
export const make = (get: Get, policy: PollingPolicy) => {
  const pollSchedule = schedule(policy)
  return (requestId: string, options?: AwaitOptions): Effect.Effect<Status, GridscaleError> =>
    Effect.gen(function*() {
      const id = yield* checkId("requestId", requestId)
      const started = yield* Clock.currentTimeMillis
      const timeout = Duration.decode(options?.timeout ?? policy.timeout)
      let polls = 0
      let last: Status = { status: "pending" }
      let nextNotice = firstNoticeMillis
      const report = (status: Status) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const elapsedMillis = now - started
          const notice = status.status === "pending" && elapsedMillis >= nextNotice
            ? Effect.logInfo(`gridscale: job ${id} still pending after ${Math.round(elapsedMillis / 1000)} s`).pipe(
              Effect.tap(() => (nextNotice += noticeEveryMillis))
            )
            : Effect.void
          return options?.onProgress === undefined
            ? notice
            : Effect.zipRight(
              notice,
              options.onProgress({ requestId: id, status: status.status, polls, elapsedMillis })
            )
        })
      const pollOnce = get(`/requests/${id}`, { schema: RequestStatusReply, priority: "poll" }).pipe(
        Effect.map((reply) => {
          polls += 1
          last = statusOf(id, reply) ?? { status: "pending" }
          return last
        }),
        Effect.tap(report)
      )
      const final = yield* Effect.sleep(policy.initialDelay).pipe(
        Effect.zipRight(Effect.repeat(pollOnce, { schedule: pollSchedule, until: isFinished })),
        // `repeat` answers with the schedule's output; the caller wants the last status.
        Effect.map(() => last),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new JobTimeout({
              requestId: id,
              timeoutMillis: Duration.toMillis(timeout),
              message: `job ${id} was still pending after ${Duration.format(timeout)} (${polls} polls); ` +
                "it may still finish: look it up with GridscalePolling.awaitRequest"
            })
        })
      )
      yield* Effect.annotateCurrentSpan("gridscale.polls", polls)
      if (final.status === "failed") {
        const jobMessage = final.message ?? undefined
        return yield* new JobFailed({
          requestId: id,
          ...(jobMessage !== undefined ? { jobMessage } : {}),
          message: `job ${id} failed${jobMessage ? `: ${jobMessage}` : ""}`
        })
      }
      return final
    }).pipe(Effect.withSpan("GridscalePolling.awaitRequest", {
      captureStackTrace: false,
      attributes: { "gridscale.request_id": requestId }
    }))
}
