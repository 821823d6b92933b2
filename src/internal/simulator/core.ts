import * as Behaviour from "./behaviour.js"
import { FaultPlan, matches, normalizePath } from "./faults.js"
import type { Fault } from "./faults.js"
import { dict, parseBody, Refusal, titles } from "./input.js"
import * as Model from "./model.js"
import type { Job } from "./model.js"
import type { Random } from "./prng.js"
import { makeRandom, uuid } from "./prng.js"
import type { Answer, Context } from "./routes.js"
import { checkedInput, handlerOf } from "./routes.js"
import { counterKey, match, storedFamilies } from "./spec.js"
import type {
  Counters,
  Delivery,
  FaultKind,
  FaultRecord,
  FaultRule,
  JobInfo,
  RequestMatch,
  SimOutcome,
  SimReply,
  SimRequest,
  SimulatorOptions,
  StateSnapshot
} from "./types.js"
import { faultsBeforeApply } from "./types.js"

export const defaultJobMillis = 500
export const defaultRateLimit = 210
export const defaultRateWindowMillis = 60_000
/** The largest request body accepted, in bytes (413 above it): no request of the API comes close. */
export const maxBodyBytes = 1_048_576

interface MutableCounters {
  requests: number
  byMethod: Record<string, number>
  byStatus: Record<string, number>
  rateLimited: number
  faults: Partial<Record<FaultKind, number>>
  faultLog: Array<FaultRecord>
  writesApplied: number
  created: Record<string, Record<string, number>>
}

// Counters are keyed by what clients send (names, methods): objects without a prototype, so that
// a name such as `__proto__` is counted like any other.
const emptyCounters = (): MutableCounters => ({
  requests: 0,
  byMethod: dict(),
  byStatus: dict(),
  rateLimited: 0,
  faults: dict(),
  faultLog: [],
  writesApplied: 0,
  created: dict()
})

const bump = (record: Record<string, number>, key: string): void => {
  record[key] = (record[key] ?? 0) + 1
}

interface Window {
  readonly resetAt: number
  used: number
}

const normal: Delivery = { _tag: "Normal" }

/** A seed from the platform's random source (Web Crypto: in Node and in browsers). */
const randomSeed = (): number => globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!

const jobDurationOf = (options: SimulatorOptions, job: JobInfo): number => {
  const setting = options.jobDuration
  if (setting === undefined) return defaultJobMillis
  if (typeof setting === "number") return setting
  if (typeof setting === "function") return setting(job)
  const byPath = setting.byPath?.find((entry) => matches({ path: entry.path }, job.method, job.path))
  return byPath?.millis ?? setting.byFamily?.[job.family] ?? setting.default ?? defaultJobMillis
}

/**
 * The simulated API: one synchronous `handle(request, now)` that answers from an in-memory
 * model. Time comes in as `now` on every call, so the same model runs on effect's `Clock` (the
 * in-memory `HttpClient`) and on the wall clock (the loopback server).
 */
export class Simulator {
  private state!: Model.State
  private ids!: Random
  private jobRandom!: Random
  private faultPlan!: FaultPlan
  private count!: MutableCounters
  private window: Window | undefined
  private failNext: Array<RequestMatch> = []

  constructor(readonly options: SimulatorOptions = {}) {
    this.reset()
  }

  /**
   * Back to the seeded catalogue, fresh counters and the configured fault rules. With a `seed`
   * option every run replays the same ids and draws; without one each reset draws a new seed, so
   * ids differ between runs and a test cannot come to depend on one by accident.
   */
  reset(): void {
    const seed = this.options.seed ?? randomSeed()
    this.ids = makeRandom(seed)
    this.jobRandom = makeRandom(seed ^ 0x5bd1e995)
    this.faultPlan = new FaultPlan(this.options.faults ?? {}, makeRandom(seed ^ 0x27d4eb2f))
    this.state = Model.makeState(makeRandom(seed ^ 0x165667b1))
    this.count = emptyCounters()
    this.window = undefined
    this.failNext = []
  }

  /** The next job of a request that matches (every request when omitted) ends as `failed`. */
  failNextJob(match: RequestMatch = {}): void {
    this.failNext.push(match)
  }

  injectFault(rule: FaultRule): void {
    this.faultPlan.add(rule)
  }

  clearFaults(): void {
    this.faultPlan.clear()
  }

  counters(): Counters {
    const c = this.count
    const created: Record<string, Record<string, number>> = {}
    // Spreading defines own properties, so a `__proto__` key stays a key in the copies.
    for (const family of Object.keys(c.created)) created[family] = { ...c.created[family] }
    return {
      requests: c.requests,
      byMethod: { ...c.byMethod },
      byStatus: { ...c.byStatus },
      rateLimited: c.rateLimited,
      faults: { ...c.faults },
      faultLog: [...c.faultLog],
      writesApplied: c.writesApplied,
      created
    }
  }

  snapshot(now: number): StateSnapshot {
    Model.settle(this.state, now)
    const out: Record<string, Record<string, unknown>> = {}
    for (const family of storedFamilies) {
      const shown: Record<string, unknown> = {}
      for (const entity of Model.objectsOf(this.state, family.key).values()) {
        shown[entity.id] = Behaviour.render(this.state, entity, now)
      }
      out[counterKey(family)] = shown
    }
    return out
  }

  handle(request: SimRequest, now: number): SimOutcome {
    const requestId = uuid(this.ids)
    const method = request.method.toUpperCase()
    const path = normalizePath(request.path)
    this.count.requests++
    bump(this.count.byMethod, method)
    Model.settle(this.state, now)

    const rate = this.takeRate(now)
    if (rate.spent) {
      this.count.rateLimited++
      return this.finish(requestId, this.rateLimitedReply(requestId, rate.headers), normal)
    }
    const fault = this.faultPlan.decide(method, path)
    if (fault !== undefined && faultsBeforeApply.has(fault.kind)) {
      this.record(fault.kind, method, path, requestId, false)
      return this.refuseByFault(requestId, fault, rate.headers, now)
    }
    const writesBefore = this.count.writesApplied
    const reply = this.answer(request, method, path, requestId, rate.headers, now)
    if (fault === undefined) return this.finish(requestId, reply, normal)
    this.record(fault.kind, method, path, requestId, this.count.writesApplied > writesBefore)
    return this.faultAfterApply(requestId, fault, reply)
  }

  /**
   * Answers a request that cannot be read as one (a malformed target, say) with an error reply;
   * it is counted, spends nothing of the rate limit and touches no state.
   */
  refuse(status: number, description: string, now: number): SimOutcome {
    const requestId = uuid(this.ids)
    this.count.requests++
    Model.settle(this.state, now)
    return this.finish(requestId, errorReply(refusal(status, description), requestId, {}), normal)
  }

  // -------------------------------------------------------------------------------------------

  private takeRate(now: number): { readonly spent: boolean; readonly headers: Record<string, string> } {
    const setting = this.options.rateLimit
    if (setting === false) return { spent: false, headers: {} }
    const limit = setting?.limit ?? defaultRateLimit
    const windowMillis = setting?.windowMillis ?? defaultRateWindowMillis
    // The window starts with the first request after the previous one ran out.
    if (this.window === undefined || now >= this.window.resetAt) this.window = { resetAt: now + windowMillis, used: 0 }
    const spent = this.window.used >= limit
    if (!spent) this.window.used++
    return {
      spent,
      headers: {
        "ratelimit-limit": String(limit),
        "ratelimit-remaining": String(Math.max(0, limit - this.window.used)),
        "ratelimit-reset": String(this.window.resetAt)
      }
    }
  }

  private rateLimitedReply(requestId: string, headers: Record<string, string>): SimReply {
    return jsonReply(429, requestId, headers, { id: "too_many_requests", message: "API Rate limit exceeded." })
  }

  private answer(
    request: SimRequest,
    method: string,
    path: string,
    requestId: string,
    headers: Record<string, string>,
    now: number
  ): SimReply {
    if (request.bodyTooLarge === true || tooLarge(request.bodyText)) {
      return errorReply(refusal(413, `The request body is larger than ${maxBodyBytes} bytes.`), requestId, headers)
    }
    const userId = request.headers["x-auth-userid"] ?? ""
    if (!this.authorized(userId, request.headers["x-auth-token"] ?? "")) {
      return jsonReply(401, requestId, headers, { message: "The user id or the API token is not valid." })
    }
    const outcome = this.route(request, method, path, requestId, userId, now)
    if (outcome instanceof Refusal) return errorReply(outcome, requestId, headers)
    if (outcome.body === undefined) return { status: outcome.status, headers: withId(requestId, headers), bodyText: "" }
    return jsonReply(outcome.status, requestId, headers, outcome.body)
  }

  private authorized(userId: string, token: string): boolean {
    const expected = this.options.credentials
    if (expected === undefined) return userId.length > 0 && token.length > 0
    return userId === expected.userId && token === expected.token
  }

  private route(
    request: SimRequest,
    method: string,
    path: string,
    requestId: string,
    userId: string,
    now: number
  ): Answer | Refusal {
    const segments = path.split("/").filter((s) => s.length > 0)
    const found = match(segments)
    if (found === undefined) return refusal(404, `There is no resource at ${path}.`)
    const served = found.methods[method]
    if (served === undefined) {
      return refusal(405, `${method} is not allowed here; use ${Object.keys(found.methods).join(", ")}.`)
    }
    // A body must be declared as JSON (the API answers 415 otherwise); some writes take none.
    if (request.bodyText.length > 0 && !isJson(request.headers["content-type"])) {
      return refusal(415, "Send the body as JSON with 'Content-Type: application/json'.")
    }
    const handler = handlerOf(served)
    if (handler === undefined) return refusal(500, `The simulator has no handler for ${served.operation.operationId}.`)
    try {
      const params = found.params.map(decodeSegment)
      const text = request.bodyText
      // A body is read when the operation takes one or one was sent; reads ignore none.
      const body = text.length > 0 || served.operation.body?.required === true ? parseBody(text) : undefined
      const ctx: Context = {
        state: this.state,
        now,
        requestId,
        method,
        path,
        userId,
        input: checkedInput(served, body),
        newJob: (info) => this.newJob(info, now),
        onCreated: (family, name) => this.countCreated(family, name),
        onWrite: () => {
          this.count.writesApplied++
        }
      }
      return handler(ctx, params, served)
    } catch (error) {
      if (error instanceof Refusal) return error
      // A bug in the simulator answers like a failing API instead of tearing down the caller.
      return refusal(500, `The simulator failed: ${String(error)}`)
    }
  }

  private newJob(info: JobInfo, now: number): Job {
    const fails = this.jobFails(info)
    return {
      createTime: now,
      doneAt: now + Math.max(0, jobDurationOf(this.options, info)),
      fails,
      failMessage: "The job failed (simulated failure)."
    }
  }

  private jobFails(info: JobInfo): boolean {
    const queued = this.failNext.findIndex((m) => matches(m, info.method, info.path))
    if (queued >= 0) {
      this.failNext.splice(queued, 1)
      return true
    }
    const failures = this.options.jobFailures
    if (failures?.match?.(info) === true) return true
    const rate = failures?.rate ?? 0
    return rate > 0 && this.jobRandom.next() < rate
  }

  private countCreated(family: string, name: string): void {
    const names = this.count.created[family] ?? dict<number>()
    bump(names, name)
    this.count.created[family] = names
  }

  private record(kind: FaultKind, method: string, path: string, requestId: string, applied: boolean): void {
    bump(this.count.faults as Record<string, number>, kind)
    this.count.faultLog.push({ kind, method, path, requestId, applied })
  }

  private refuseByFault(requestId: string, fault: Fault, headers: Record<string, string>, now: number): SimOutcome {
    const retryAfter = this.faultPlan.retryAfterSeconds
    switch (fault.kind) {
      case "TooManyRequests": {
        const limited = {
          ...headers,
          "ratelimit-remaining": "0",
          "ratelimit-reset": String(now + retryAfter * 1000)
        }
        return this.finish(requestId, this.rateLimitedReply(requestId, limited), normal)
      }
      case "ServiceUnavailable":
        return this.finish(
          requestId,
          errorReply(refusal(503, "The service is briefly unavailable; try again later."), requestId, {
            ...headers,
            "retry-after": String(retryAfter)
          }),
          normal
        )
      case "ConnectionRefused":
        return this.finish(requestId, { status: 0, headers: {}, bodyText: "" }, { _tag: "Refused" })
      default:
        return this.finish(
          requestId,
          errorReply(refusal(424, "The object is locked by another job; try again later."), requestId, headers),
          normal
        )
    }
  }

  private faultAfterApply(requestId: string, fault: Fault, reply: SimReply): SimOutcome {
    switch (fault.kind) {
      case "InternalError":
        return this.finish(
          requestId,
          errorReply(refusal(500, "Internal error: please contact us to report the issue."), requestId, reply.headers),
          normal
        )
      case "ConnectionReset":
        return this.finish(requestId, reply, { _tag: "Reset" })
      case "TruncatedBody":
        return this.finish(requestId, withSomeBody(reply, requestId), { _tag: "Truncated" })
      case "InvalidJson": {
        const full = withSomeBody(reply, requestId)
        return this.finish(requestId, { ...full, bodyText: full.bodyText.slice(0, -1) + "<" }, normal)
      }
      default:
        return this.finish(requestId, reply, { _tag: "Slow", delayMillis: fault.delayMillis })
    }
  }

  private finish(requestId: string, reply: SimReply, delivery: Delivery): SimOutcome {
    if (delivery._tag !== "Reset" && delivery._tag !== "Refused") bump(this.count.byStatus, String(reply.status))
    return { requestId, reply, delivery }
  }
}

const encoder = new TextEncoder()

/** Whether a body is over the limit in UTF-8 bytes (encoded only when its length leaves a doubt). */
const tooLarge = (text: string): boolean =>
  text.length > maxBodyBytes || (text.length * 3 > maxBodyBytes && encoder.encode(text).length > maxBodyBytes)

const refusal = (status: number, description: string): Refusal =>
  new Refusal(status, titles[status] ?? "Error", description)

/** A path parameter as sent, percent-decoded (a label is free text); a broken escape is 400. */
const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw refusal(400, `The path segment '${segment}' is not validly percent-encoded.`)
  }
}

const isJson = (contentType: string | undefined): boolean =>
  contentType !== undefined && contentType.toLowerCase().includes("application/json")

const withId = (requestId: string, headers: Record<string, string>): Record<string, string> => ({
  ...headers,
  "x-request-id": requestId
})

const jsonReply = (status: number, requestId: string, headers: Record<string, string>, body: unknown): SimReply => ({
  status,
  headers: { ...withId(requestId, headers), "content-type": "application/json" },
  bodyText: JSON.stringify(body)
})

const errorReply = (refused: Refusal, requestId: string, headers: Record<string, string>): SimReply =>
  jsonReply(refused.status, requestId, headers, { title: refused.title, description: refused.description })

/** A bodiless reply (204) cannot be cut short or garbled: such faults turn it into a 200 with a body. */
const withSomeBody = (reply: SimReply, requestId: string): SimReply =>
  reply.bodyText.length > 0
    ? reply
    : {
      status: 200,
      headers: { ...reply.headers, "content-type": "application/json" },
      bodyText: JSON.stringify({ request_uuid: requestId })
    }
