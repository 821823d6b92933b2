/**
 * The poll loop behind `GridscalePolling`: `GET /requests/{id}` on a schedule until the job is
 * done or failed, within a deadline. It sends its GETs through whatever it is handed, so it
 * depends on no connection.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import type { PollingPolicy } from "../GridscaleConfig.js"
import { type GridscaleError, JobFailed, JobTimeout } from "../GridscaleError.js"
import { checkId } from "./input.js"
import * as Timeout from "./timeout.js"

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
 * short jobs are seen soon), by `oldFactor` afterwards (so long jobs cost few polls), jittered by
 * 0.8–1.2 as `Schedule.jittered` does, and capped after the jitter so the cap always holds. One
 * step of state: every poll of every job takes a step, and a chain of combinators costs several
 * effects per step.
 */
export const schedule = (policy: PollingPolicy): Schedule.Schedule<unknown> => {
  const young = Duration.toMillis(policy.youngFor)
  const cap = Duration.toMillis(policy.maxInterval)
  const first = Duration.toMillis(policy.initialDelay)
  const initial: PollState = { delay: first * policy.youngFactor, elapsed: first }
  return Schedule.makeWithState(initial, (now, _: unknown, state: PollState) =>
    Effect.map(Random.next, (random) => {
      const planned = Math.min(state.delay, cap)
      const next = planned + state.elapsed
      const delay = Math.min(planned * (0.8 * (1 - random) + 1.2 * random), cap)
      return [
        { delay: state.delay * (next < young ? policy.youngFactor : policy.oldFactor), elapsed: next },
        state,
        ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))
      ] as const
    }))
}

interface PollState {
  /** The next delay before jitter and cap. */
  readonly delay: number
  /** When the poll after it is planned, from the start of the wait, before jitter. */
  readonly elapsed: number
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

/** A job that ended in `failed`, as the error its waiter gets. */
const jobFailed = (id: string, final: Status): JobFailed => {
  const jobMessage = final.message ?? undefined
  return new JobFailed({
    requestId: id,
    ...(jobMessage !== undefined ? { jobMessage } : {}),
    message: `job ${id} failed${jobMessage ? `: ${jobMessage}` : ""}`
  })
}

/** Builds `awaitRequest` on a way of sending GETs. */
export const make = (get: Get, policy: PollingPolicy) => {
  const pollSchedule = schedule(policy)

  /** One wait, for a checked id, from `started` (ms on the clock in context). */
  const wait = (
    id: string,
    started: number,
    options: AwaitOptions | undefined
  ): Effect.Effect<Status, GridscaleError> =>
    Effect.suspend(() => {
      const timeout = Duration.decode(options?.timeout ?? policy.timeout)
      let polls = 0
      let nextNotice = firstNoticeMillis
      const report = (status: Status, now: number) => {
        const elapsedMillis = now - started
        const notice = status.status === "pending" && elapsedMillis >= nextNotice
          ? Effect.logInfo(`gridscale: job ${id} still pending after ${Math.round(elapsedMillis / 1000)} s`).pipe(
            Effect.tap(() => (nextNotice += noticeEveryMillis))
          )
          : Effect.void
        return options?.onProgress === undefined
          ? notice
          : Effect.zipRight(notice, options.onProgress({ requestId: id, status: status.status, polls, elapsedMillis }))
      }
      // `Effect.repeat(poll, { schedule, until: isFinished })`, stepping the schedule itself:
      // repeat's driver keeps its state in refs and provides iteration metadata on every poll. With
      // it, a poll cost the loop 77 effect operations, and 20 this way (test/core/cost.test.ts).
      const pollUntilFinished = (clock: Clock.Clock, state: unknown): Effect.Effect<Status, GridscaleError> =>
        Effect.flatMap(get(`/requests/${id}`, { schema: RequestStatusReply, priority: "poll" }), (reply) => {
          polls += 1
          const status = statusOf(id, reply) ?? { status: "pending" }
          const now = clock.unsafeCurrentTimeMillis()
          const next: Effect.Effect<Status, GridscaleError> = isFinished(status)
            ? Effect.succeed(status)
            : Effect.flatMap(pollSchedule.step(now, status, state), ([after, , decision]) =>
              ScheduleDecision.isDone(decision)
                ? Effect.succeed(status)
                : Effect.zipRight(
                  clock.sleep(Duration.millis(ScheduleIntervals.start(decision.intervals) - now)),
                  pollUntilFinished(clock, after)
                ))
          const reported = report(status, now)
          return reported === Effect.void ? next : Effect.zipRight(reported, next)
        })
      const polled = Effect.clockWith((clock) =>
        Effect.zipRight(clock.sleep(policy.initialDelay), pollUntilFinished(clock, pollSchedule.initial))
      )
      return Timeout.timeoutFail(polled, timeout, () =>
        new JobTimeout({
          requestId: id,
          timeoutMillis: Duration.toMillis(timeout),
          message: `job ${id} was still pending after ${Duration.format(timeout)} (${polls} polls); ` +
            "it may still finish: look it up with GridscalePolling.awaitRequest"
        })).pipe(
          Effect.flatMap((final) => {
            // Set on the span when the wait ends, so it holds the count of every poll.
            const annotated = Effect.annotateCurrentSpan("gridscale.polls", polls)
            return final.status === "failed"
              ? Effect.zipRight(annotated, Effect.fail(jobFailed(id, final)))
              : Effect.as(annotated, final)
          })
        )
    })

  return (requestId: string, options?: AwaitOptions): Effect.Effect<Status, GridscaleError> =>
    Effect.flatMap(
      checkId("requestId", requestId),
      (id) => Effect.flatMap(Clock.currentTimeMillis, (started) => wait(id, started, options))
    ).pipe(
      Effect.withSpan("GridscalePolling.awaitRequest", {
        captureStackTrace: false,
        attributes: { "gridscale.request_id": requestId }
      })
    )
}
