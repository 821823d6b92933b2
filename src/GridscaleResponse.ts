/**
 * Makes sense of the API's replies: which statuses succeed, how an error reply maps to a typed
 * error whatever its body, and how a body decodes through a `Schema`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { ParseOptions } from "effect/SchemaAST"
import * as GridscaleError from "./GridscaleError.js"
import * as Decode from "./internal/decode.js"
import { statusText } from "./internal/httpStatus.js"

/**
 * A reply reduced to plain data: what errors may copy from it. It never holds request headers.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Reply {
  /** The HTTP status. */
  readonly status: number
  /** The method of the request it answers. */
  readonly method: string
  /** The API path of the request it answers. */
  readonly path: string
  /** Reply headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** The body as text, `""` when there was none. */
  readonly body: string
}

/**
 * @since 0.1.0
 * @category Models
 */
export interface DecodeOptions {
  /** Whether a write may have happened although its reply cannot be read. */
  readonly outcomeUnknown: boolean
}

/**
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Whether a status means the request was accepted: 200, 201, 202 and 204. */
  readonly isSuccess: (status: number) => boolean
  /** Maps a reply whose status is not a success to its typed error. */
  readonly parseError: (reply: Reply) => GridscaleError.ApiError
  /** Parses a reply's JSON body (`undefined` when empty) and decodes it with `schema`. */
  readonly decode: <A, I>(
    reply: Reply,
    schema: Schema.Schema<A, I, never>,
    options: DecodeOptions
  ) => Effect.Effect<A, GridscaleError.ResponseDecodeError>
}

/**
 * @since 0.1.0
 * @category Tags
 */
export class GridscaleResponse
  extends Context.Tag("effect-gridscale/GridscaleResponse")<GridscaleResponse, Service>()
{}

/**
 * The statuses that mean success.
 *
 * @since 0.1.0
 * @category Constants
 */
export const successStatuses: ReadonlySet<number> = new Set([200, 201, 202, 204])

/**
 * @since 0.1.0
 * @category Predicates
 */
export const isSuccess = (status: number): boolean => successStatuses.has(status)

interface ErrorBody {
  readonly title?: string
  readonly description?: string
}

const text = (u: unknown): string | undefined => typeof u === "string" && u.trim().length > 0 ? u.trim() : undefined

const clip = (s: string, max = 300) => s.length > max ? `${s.slice(0, max - 3)}...` : s

/**
 * Reads the error body shapes the API uses: `{title, description}`, `{id, message}` (429),
 * `{message}`, plain text, or nothing.
 *
 * @since 0.1.0
 * @category Parsing
 */
export const parseErrorBody = (body: string): ErrorBody => {
  const trimmed = body.trim()
  if (trimmed.length === 0) return {}
  let json: unknown
  try {
    json = JSON.parse(trimmed)
  } catch {
    return trimmed.startsWith("<") ? {} : { description: clip(trimmed) }
  }
  if (typeof json !== "object" || json === null) return text(json) ? { description: clip(String(json)) } : {}
  const record = json as Record<string, unknown>
  const title = text(record.title) ?? text(record.id) ?? text(record.error)
  const description = text(record.description) ?? text(record.message)
  return {
    ...(title !== undefined ? { title: clip(title) } : {}),
    ...(description !== undefined ? { description: clip(description) } : {})
  }
}

const advice: Record<string, string> = {
  InvalidCredentials: "check GRIDSCALE_UUID and GRIDSCALE_TOKEN",
  AccessDenied: "the token lacks the permission for this",
  ResourceNotFound: "the object does not exist or is not visible to this token",
  QuotaExceeded: "a limit of the account is reached",
  Conflict: "the object is not in the state the request assumed",
  ResourceLocked: "the object is busy with another job or in the wrong state; try again later",
  RateLimitExceeded: "the account's rate budget is spent until it resets",
  ServerError: "gridscale failed; try again later"
}

const messageOf = (tag: string, reply: Reply, body: ErrorBody, requestId: string | undefined) => {
  const reason = statusText[reply.status]
  const what = `${reply.method} ${reply.path} answered ${reply.status}${reason ? ` ${reason}` : ""}`
  // The API's titles often repeat the status's reason phrase: say it once.
  const same = (s: string | undefined) =>
    s !== undefined && reason !== undefined && s.toLowerCase() === reason.toLowerCase()
  const detail = [body.title, body.description]
    .filter((s, i, all) => s !== undefined && !same(s) && (i === 0 || s !== all[0]))
    .join(": ")
  const hint = advice[tag]
  return [what, detail || hint, requestId ? `(request id ${requestId})` : undefined]
    .filter((s) => s !== undefined && s.length > 0)
    .join(" ")
}

const tagOf = (status: number) => {
  switch (status) {
    case 401:
      return GridscaleError.InvalidCredentials
    case 403:
      return GridscaleError.AccessDenied
    case 404:
      return GridscaleError.ResourceNotFound
    case 400:
    case 405:
    case 415:
    case 422:
      return GridscaleError.InvalidRequest
    case 402:
    case 416:
      return GridscaleError.QuotaExceeded
    case 409:
      return GridscaleError.Conflict
    case 424:
      return GridscaleError.ResourceLocked
    default:
      return GridscaleError.UnexpectedStatus
  }
}

/**
 * When the API says the rate budget comes back, from `RateLimit-Reset` (Unix milliseconds).
 *
 * @since 0.1.0
 * @category Parsing
 */
export const rateLimitReset = (headers: Readonly<Record<string, string>>): DateTime.Utc | undefined => {
  const raw = headers["ratelimit-reset"]
  if (raw === undefined) return undefined
  const millis = Number(raw)
  return Number.isFinite(millis) && millis > 0 ? DateTime.unsafeMake(millis) : undefined
}

/**
 * Maps an unsuccessful reply to its typed error: 401 `InvalidCredentials`, 403 `AccessDenied`,
 * 404 `ResourceNotFound`, 400/405/415/422 `InvalidRequest`, 402/416 `QuotaExceeded`, 409
 * `Conflict`, 424 `ResourceLocked`, 429 `RateLimitExceeded`, 5xx `ServerError`, any other
 * `UnexpectedStatus` (a redirect's names its `Location`).
 *
 * @since 0.1.0
 * @category Parsing
 */
export const parseError = (reply: Reply): GridscaleError.ApiError => {
  const body = parseErrorBody(reply.body)
  const requestId = text(reply.headers["x-request-id"])
  const fields = {
    status: reply.status,
    method: reply.method,
    path: reply.path,
    ...(requestId !== undefined ? { requestId } : {}),
    ...body
  }
  if (reply.status === 429) {
    const resetAt = rateLimitReset(reply.headers)
    return new GridscaleError.RateLimitExceeded({
      ...fields,
      ...(resetAt !== undefined ? { resetAt } : {}),
      message: messageOf("RateLimitExceeded", reply, body, requestId) +
        (resetAt ? `; it resets at ${DateTime.formatIso(resetAt)}` : "")
    })
  }
  if (reply.status >= 500 && reply.status <= 599) {
    return new GridscaleError.ServerError({
      ...fields,
      // 503 says the request was not taken on; after any other 5xx a write may have happened.
      outcomeUnknown: reply.method !== "GET" && reply.status !== 503,
      message: messageOf("ServerError", reply, body, requestId)
    })
  }
  const ErrorClass = tagOf(reply.status)
  const location = reply.status >= 300 && reply.status <= 399 ? text(reply.headers["location"]) : undefined
  if (location !== undefined) {
    // A redirect is never followed (the token would go with it): say where it pointed.
    return new ErrorClass({
      ...fields,
      message: `${reply.method} ${reply.path} answered ${reply.status} redirecting to ${
        JSON.stringify(clip(location, 200))
      }, which is not followed: check the API URL`
    })
  }
  return new ErrorClass({ ...fields, message: messageOf(ErrorClass._tag, reply, body, requestId) })
}

/** Where a decoding issue is and what it says, found without formatting any value. */
const firstIssue = (issue: ParseResult.ParseIssue): { readonly field: string; readonly problem: string } => {
  const path: Array<PropertyKey> = []
  let current: ParseResult.ParseIssue = issue
  for (;;) {
    switch (current._tag) {
      case "Pointer":
        path.push(...(Array.isArray(current.path) ? current.path : [current.path]))
        current = current.issue
        continue
      case "Composite": {
        const issues: ReadonlyArray<ParseResult.ParseIssue> = Array.isArray(current.issues)
          ? current.issues
          : [current.issues as ParseResult.ParseIssue]
        if (issues.length === 0) break
        current = issues[0]!
        continue
      }
      case "Refinement":
      case "Transformation":
        current = current.issue
        continue
    }
    break
  }
  const field = path.length === 0 ? "(root)" : path.map(String).join(".")
  const problem = current._tag === "Missing"
    ? "is missing"
    : current._tag === "Unexpected"
    ? "is unexpected"
    : `Expected ${safeString(current.ast)}, actual a value nested too deeply to show`
  return { field, problem }
}

const safeString = (u: unknown): string => {
  try {
    return clip(String(u), 100)
  } catch {
    return "another value"
  }
}

const fieldOf = (error: ParseResult.ParseError): { readonly field: string; readonly problem: string } => {
  let first: ParseResult.ArrayFormatterIssue | undefined
  try {
    ;[first] = ParseResult.ArrayFormatter.formatErrorSync(error)
  } catch {
    // The formatter prints the offending value and recurses into it: an array nested thousands
    // deep overflows the stack. Name the field without printing the value.
    return firstIssue(error.issue)
  }
  if (first === undefined) return { field: "(root)", problem: "does not match" }
  const field = first.path.length === 0 ? "(root)" : first.path.map(String).join(".")
  return { field, problem: clip(first.message, 200) }
}

/** The options every reply is decoded with: fields a plain `Struct` does not name are kept. */
const parseOptions: ParseOptions = { onExcessProperty: "preserve" }

/**
 * Parses and decodes a reply body.
 *
 * The schema's compiled form checks the parsed tree in place (see `internal/decode.ts`); only
 * when it refuses the body does Schema's own decoder run, on the untouched tree, so the error
 * names the field as Schema does. A key `__proto__` in a reply stays a plain own field, and no
 * reply, however deeply nested, makes decoding die.
 *
 * @since 0.1.0
 * @category Decoding
 */
export const decode = <A, I>(
  reply: Reply,
  schema: Schema.Schema<A, I, never>,
  options: DecodeOptions
): Effect.Effect<A, GridscaleError.ResponseDecodeError> => {
  const requestId = text(reply.headers["x-request-id"])
  const fail = (message: string, field?: string) =>
    new GridscaleError.ResponseDecodeError({
      message: `${reply.method} ${reply.path} answered ${reply.status} with ${message}`,
      method: reply.method,
      path: reply.path,
      status: reply.status,
      outcomeUnknown: options.outcomeUnknown,
      ...(requestId !== undefined ? { requestId } : {}),
      ...(field !== undefined ? { field } : {})
    })
  let json: unknown = undefined
  if (reply.body.trim().length > 0) {
    try {
      json = JSON.parse(reply.body)
    } catch {
      return Effect.fail(fail("a body that is not JSON"))
    }
  }
  const value = Decode.decoder(schema, parseOptions)(json)
  if (value !== Decode.mismatch) return Effect.succeed(value as A)
  return Effect.suspend(() => Schema.decodeUnknown(schema)(json, parseOptions)).pipe(
    Effect.mapError((error) => {
      const { field, problem } = fieldOf(error)
      return fail(`a body that does not match its schema at ${field}: ${problem}`, field)
    }),
    // Schema's decoder recurses with a recursive schema: a deep enough body overflows the stack.
    // Whatever a reply makes a schema throw is that reply's fault, and a typed error.
    Effect.catchAllDefect((defect) =>
      Effect.fail(
        fail(
          defect instanceof RangeError
            ? "a body nested too deeply to decode"
            : `a body its schema failed on: ${clip(safeString(defect), 200)}`
        )
      )
    )
  )
}

/**
 * The service built from the functions above.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Service = { isSuccess, parseError, decode }

/**
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<GridscaleResponse> = Layer.succeed(GridscaleResponse, make)
