/**
 * Waits for the job behind a write: polls `GET /requests/{id}` on a `Schedule` until the API says
 * `done`, fails at once with `JobFailed` when it says `failed`, and gives up with `JobTimeout` at a
 * deadline. Interrupting the caller stops polling with no further request sent.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as GridscaleConfig from "./GridscaleConfig.js"
import { GridscaleConnection, type RequestOptions } from "./GridscaleConnection.js"
import { type GridscaleError, JobFailed, JobTimeout } from "./GridscaleError.js"
import { checkId } from "./internal/input.js"

/**
 * The state of one job, as `/requests/{id}` tells it.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const RequestStatus = Schema.Struct({
  /** `pending`, `done` or `failed`. */
  status: Schema.String,
  /** What the API says about the job. */
  message: Schema.optional(Schema.NullOr(Schema.String)),
  /** When the job was created, ISO 8601. */
  create_time: Schema.optional(Schema.NullOr(Schema.String))
})

/**
 * @since 0.1.0
 * @category Models
 */
export interface RequestStatus extends Schema.Schema.Type<typeof RequestStatus> {}

/**
 * The reply of `GET /requests/{id}`: the status keyed by the request id.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const RequestStatusReply = Schema.Record({ key: Schema.String, value: RequestStatus })

/**
 * What a caller hears after each poll, e.g. to draw a progress line.
 *
 * @since 0.1.0
 * @category Models
 */
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

/**
 * @since 0.1.0
 * @category Models
 */
export interface AwaitOptions {
  /** The deadline for this job; the configured polling timeout by default. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Called after every poll. */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/**
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Polls until the job is done; returns its final status. */
  readonly awaitRequest: (
    requestId: string,
    options?: AwaitOptions
  ) => Effect.Effect<RequestStatus, GridscaleError>
}

/**
 * @since 0.1.0
 * @category Tags
 */
export class GridscalePolling extends Context.Tag("effect-gridscale/GridscalePolling")<GridscalePolling, Service>() {}

/**
 * The delays between polls after the first: growing by `youngFactor` while the job is young (so
 * short jobs are seen soon), by `oldFactor` afterwards (so long jobs cost few polls), jittered, and
 * capped after the jitter so the cap always holds.
 *
 * @since 0.1.0
 * @category Schedules
 */
export const schedule = (policy: GridscaleConfig.PollingPolicy): Schedule.Schedule<unknown> => {
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

// Any status other than these two (the API documents "pending"; others may come) means "not yet".
const isFinished = (status: RequestStatus) => status.status === "done" || status.status === "failed"

/** `/requests/{id}` keys the status by the request id; a reply with a single entry is taken as it. */
const statusOf = (requestId: string, reply: Schema.Schema.Type<typeof RequestStatusReply>) => {
  const own = reply[requestId]
  if (own !== undefined) return own
  const values = Object.values(reply)
  return values.length === 1 ? values[0] : undefined
}

/**
 * Builds the poller on any way of sending a request; `GridscaleConnection` uses it for its own
 * `asyncRequest` when no other `GridscalePolling` is provided.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeWith = (
  request: <A, I>(path: string, options: RequestOptions<A, I>) => Effect.Effect<A, GridscaleError>,
  policy: GridscaleConfig.PollingPolicy
): Service => {
  const pollSchedule = schedule(policy)
  const awaitRequest = (requestId: string, options?: AwaitOptions) =>
    Effect.gen(function*() {
      const id = yield* checkId("requestId", requestId)
      const started = yield* Clock.currentTimeMillis
      const timeout = Duration.decode(options?.timeout ?? policy.timeout)
      let polls = 0
      let last: RequestStatus = { status: "pending" }
      let nextNotice = firstNoticeMillis
      const pollOnce = request(`/requests/${id}`, { schema: RequestStatusReply, priority: "poll" }).pipe(
        Effect.flatMap((reply) => {
          polls += 1
          last = statusOf(id, reply) ?? { status: "pending" }
          return Effect.succeed(last)
        }),
        Effect.tap((status) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const elapsedMillis = now - started
            const progress = { requestId: id, status: status.status, polls, elapsedMillis }
            const notice = status.status === "pending" && elapsedMillis >= nextNotice
              ? Effect.logInfo(`gridscale: job ${id} still pending after ${Math.round(elapsedMillis / 1000)} s`).pipe(
                Effect.tap(() => (nextNotice += noticeEveryMillis))
              )
              : Effect.void
            return options?.onProgress === undefined ? notice : Effect.zipRight(notice, options.onProgress(progress))
          })
        )
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
  return { awaitRequest }
}

/**
 * The poller on the provided `GridscaleConnection`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<Service, never, GridscaleConnection | GridscaleConfig.GridscaleConfig> = Effect.gen(
  function*() {
    const connection = yield* GridscaleConnection
    const config = yield* GridscaleConfig.GridscaleConfig
    return makeWith((path, options) => connection.request("GET", path, options), config.polling)
  }
)

/**
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<GridscalePolling, never, GridscaleConnection | GridscaleConfig.GridscaleConfig> = Layer
  .effect(GridscalePolling, make)

/**
 * Polls until the job is done, with the `GridscalePolling` in context.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const awaitRequest = (
  requestId: string,
  options?: AwaitOptions
): Effect.Effect<RequestStatus, GridscaleError, GridscalePolling> =>
  Effect.flatMap(GridscalePolling, (polling) => polling.awaitRequest(requestId, options))
