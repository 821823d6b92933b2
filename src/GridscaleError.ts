/**
 * The typed errors of effect-gridscale. Every failure of every operation is one of these, so
 * callers can `Effect.catchTag` them. Errors hold plain fields only (status, method, path,
 * request id, the API's title and description): never the platform's request or response,
 * whose headers carry the API token.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * Fields shared by every error that the API itself reported.
 *
 * @since 0.1.0
 * @category Fields
 */
export const ApiErrorFields = {
  /** A sentence a person can act on. */
  message: Schema.String,
  /** The HTTP status of the reply. */
  status: Schema.Number,
  /** The HTTP method of the request. */
  method: Schema.String,
  /** The API path of the request, without the base URL. */
  path: Schema.String,
  /** The `X-Request-Id` of the reply, to quote to gridscale's support. */
  requestId: Schema.optional(Schema.String),
  /** The error title from the reply body, if it had one. */
  title: Schema.optional(Schema.String),
  /** The error description from the reply body, if it had one. */
  description: Schema.optional(Schema.String),
  /**
   * When the API asked to be tried again (`Retry-After`, or `RateLimit-Reset` on a 429), set when
   * that was later than the retry policy allows to wait, so no retry was made.
   */
  retryAt: Schema.optional(Schema.DateTimeUtcFromSelf)
}

/**
 * `outcomeUnknown` is true when a write may have been carried out although the caller got no
 * success (a timeout, a reset, a 500 or an unreadable reply after the request was sent).
 *
 * @since 0.1.0
 * @category Fields
 */
export const OutcomeFields = {
  /** True when a write may have been carried out although the caller got no success. */
  outcomeUnknown: Schema.Boolean
}

/**
 * 401: the user UUID or the API token was refused.
 *
 * @since 0.1.0
 * @category Errors
 */
export class InvalidCredentials extends Schema.TaggedError<InvalidCredentials>()(
  "InvalidCredentials",
  ApiErrorFields
) {}

/**
 * 403: the token lacks the permission for this request.
 *
 * @since 0.1.0
 * @category Errors
 */
export class AccessDenied extends Schema.TaggedError<AccessDenied>()("AccessDenied", ApiErrorFields) {}

/**
 * 404: no such object (the API also answers 404 when you may not see it).
 *
 * @since 0.1.0
 * @category Errors
 */
export class ResourceNotFound extends Schema.TaggedError<ResourceNotFound>()("ResourceNotFound", ApiErrorFields) {}

/**
 * 400, 405, 415, 422: the API refused the request as malformed.
 *
 * @since 0.1.0
 * @category Errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", ApiErrorFields) {}

/**
 * 402, 416: a payment method is missing, a resource limit is reached or an address pool is empty.
 *
 * @since 0.1.0
 * @category Errors
 */
export class QuotaExceeded extends Schema.TaggedError<QuotaExceeded>()("QuotaExceeded", ApiErrorFields) {}

/**
 * 409: the request was made under a false assumption about the object's state.
 *
 * @since 0.1.0
 * @category Errors
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", ApiErrorFields) {}

/**
 * 424: the object is locked by another job or is in the wrong state.
 *
 * @since 0.1.0
 * @category Errors
 */
export class ResourceLocked extends Schema.TaggedError<ResourceLocked>()("ResourceLocked", ApiErrorFields) {}

/**
 * 429 after every retry allowed: the account's rate budget is spent until `resetAt`.
 *
 * @since 0.1.0
 * @category Errors
 */
export class RateLimitExceeded extends Schema.TaggedError<RateLimitExceeded>()("RateLimitExceeded", {
  ...ApiErrorFields,
  /** When the API said the budget comes back. */
  resetAt: Schema.optional(Schema.DateTimeUtcFromSelf)
}) {}

/**
 * 5xx: the API failed. For a write, `outcomeUnknown` says whether it may have happened.
 *
 * @since 0.1.0
 * @category Errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...ApiErrorFields,
  ...OutcomeFields
}) {}

/**
 * A status this client does not know what to make of.
 *
 * @since 0.1.0
 * @category Errors
 */
export class UnexpectedStatus extends Schema.TaggedError<UnexpectedStatus>()("UnexpectedStatus", ApiErrorFields) {}

/**
 * Why a request got no usable reply.
 *
 * @since 0.1.0
 * @category Models
 */
export const TransportReason = Schema.Literal(
  "ConnectionRefused",
  "ConnectionReset",
  "Timeout",
  "TruncatedBody",
  "OperationTimeout",
  "Other"
)

/**
 * @since 0.1.0
 * @category Models
 */
export type TransportReason = typeof TransportReason.Type

/**
 * No usable reply: the connection was refused or reset, an attempt timed out, the body was cut
 * short, or the operation's overall timeout ran out (`reason: "OperationTimeout"`).
 *
 * @since 0.1.0
 * @category Errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  /** A sentence a person can act on. */
  message: Schema.String,
  /** The HTTP method of the request. */
  method: Schema.String,
  /** The API path of the request. */
  path: Schema.String,
  /** What went wrong. */
  reason: TransportReason,
  /** The request id, when a reply got far enough to tell it. */
  requestId: Schema.optional(Schema.String),
  ...OutcomeFields
}) {}

/**
 * A reply whose body is not JSON, is larger than allowed, or does not match its schema; `field`
 * names where it went wrong.
 *
 * @since 0.1.0
 * @category Errors
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>()("ResponseDecodeError", {
  /** A sentence a person can act on. */
  message: Schema.String,
  /** The HTTP method of the request. */
  method: Schema.String,
  /** The API path of the request. */
  path: Schema.String,
  /** The HTTP status of the reply. */
  status: Schema.Number,
  /** The reply's `X-Request-Id`. */
  requestId: Schema.optional(Schema.String),
  /** The path of the field that did not match, as `servers.<id>.name`. */
  field: Schema.optional(Schema.String),
  ...OutcomeFields
}) {}

/**
 * The job behind a write ended as `failed`; `jobMessage` is what the API said about it.
 *
 * @since 0.1.0
 * @category Errors
 */
export class JobFailed extends Schema.TaggedError<JobFailed>()("JobFailed", {
  /** A sentence a person can act on. */
  message: Schema.String,
  /** The id of the job (the write's request id). */
  requestId: Schema.String,
  /** What the API said about the failure. */
  jobMessage: Schema.optional(Schema.String),
  /** The object the write created or changed, when its reply named one: it may need cleaning up. */
  objectId: Schema.optional(Schema.String)
}) {}

/**
 * The job behind a write did not finish before the polling deadline. It may still finish later.
 *
 * @since 0.1.0
 * @category Errors
 */
export class JobTimeout extends Schema.TaggedError<JobTimeout>()("JobTimeout", {
  /** A sentence a person can act on. */
  message: Schema.String,
  /** The id of the job (the write's request id). */
  requestId: Schema.String,
  /** The deadline that ran out, in milliseconds. */
  timeoutMillis: Schema.Number
}) {}

/**
 * The caller's input failed a check before anything was sent; `field` names the input.
 *
 * @since 0.1.0
 * @category Errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", {
  /** A sentence a person can act on. */
  message: Schema.String,
  /** The input that failed its check, e.g. `serverId` or `input.name`. */
  field: Schema.String
}) {}

/**
 * Errors that carry an HTTP status reported by the API.
 *
 * @since 0.1.0
 * @category Models
 */
export type ApiError =
  | InvalidCredentials
  | AccessDenied
  | ResourceNotFound
  | InvalidRequest
  | QuotaExceeded
  | Conflict
  | ResourceLocked
  | RateLimitExceeded
  | ServerError
  | UnexpectedStatus

/**
 * Every error an effect-gridscale operation can fail with.
 *
 * @since 0.1.0
 * @category Models
 */
export type GridscaleError =
  | ApiError
  | TransportError
  | ResponseDecodeError
  | JobFailed
  | JobTimeout
  | InvalidInput

const tags: ReadonlySet<string> = new Set([
  "InvalidCredentials",
  "AccessDenied",
  "ResourceNotFound",
  "InvalidRequest",
  "QuotaExceeded",
  "Conflict",
  "ResourceLocked",
  "RateLimitExceeded",
  "ServerError",
  "UnexpectedStatus",
  "TransportError",
  "ResponseDecodeError",
  "JobFailed",
  "JobTimeout",
  "InvalidInput"
])

/**
 * Whether a value is one of this library's errors.
 *
 * @since 0.1.0
 * @category Guards
 */
export const isGridscaleError = (u: unknown): u is GridscaleError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && tags.has(u._tag)

/**
 * The same error, marked as one after which a write may have been carried out. Used once a write
 * was accepted: a failure while waiting for its job, or reading its result, does not undo it.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const withOutcomeUnknown = <E extends GridscaleError>(error: E): E => {
  const e: GridscaleError = error
  switch (e._tag) {
    case "TransportError":
      return (e.outcomeUnknown ? e : new TransportError({ ...fieldsOf(e), outcomeUnknown: true })) as E
    case "ServerError":
      return (e.outcomeUnknown ? e : new ServerError({ ...fieldsOf(e), outcomeUnknown: true })) as E
    case "ResponseDecodeError":
      return (e.outcomeUnknown ? e : new ResponseDecodeError({ ...fieldsOf(e), outcomeUnknown: true })) as E
    default:
      return error
  }
}

// `message` lives on Error, not among the own fields; `_tag` is the constructor's to set.
const fieldsOf = <T extends { readonly _tag: string; readonly message: string }>(error: T): Omit<T, "_tag"> => {
  const { _tag, ...fields } = error
  return { ...fields, message: error.message }
}
