/**
 * Where and how the client talks to gridscale: credentials, API URL, timeouts, retry and polling
 * policies and the rate budget. Invalid settings fail the layer with effect's `ConfigError`.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { isHeaderSafe } from "./internal/input.js"

/**
 * How failed attempts are retried (see docs/retries-and-limits.md for which failures qualify).
 *
 * @since 0.1.0
 * @category Models
 */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 turns retries off. Default 5. */
  readonly maxRetries: number
  /**
   * No retry starts later than this after the first attempt; when the API asks for a longer wait,
   * the call fails at once with the error's `retryAt`. Default 2 minutes.
   */
  readonly maxElapsed: Duration.Duration
  /** The first backoff delay, doubled each retry and jittered. Default 250 ms. */
  readonly baseDelay: Duration.Duration
  /** The longest backoff delay, unless the API asks for longer. Default 20 s. */
  readonly maxDelay: Duration.Duration
}

/**
 * How `/requests/{id}` is polled while a job runs.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PollingPolicy {
  /** Delay before the first poll. Default 100 ms. */
  readonly initialDelay: Duration.Duration
  /** Growth of the delay per poll while the job is young. Default 1.1. */
  readonly youngFactor: number
  /** How long a job counts as young. Default 2 s. */
  readonly youngFor: Duration.Duration
  /** Growth of the delay per poll afterwards. Default 1.4. */
  readonly oldFactor: number
  /** The longest delay between polls, after jitter. Default 1.9 s, so a job's end is seen within 2 s. */
  readonly maxInterval: Duration.Duration
  /** How long to wait for a job before `JobTimeout`. Default 5 minutes. */
  readonly timeout: Duration.Duration
}

/**
 * The client side of the account's rate limit.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RateBudget {
  /** Requests allowed per window before any reply has told the budget; `Infinity` for none. Default 210. */
  readonly limit: number
  /** The window of `limit`. Default 60 s. */
  readonly window: Duration.Duration
  /** The share of the remaining budget that job polls may take. Default 0.5. */
  readonly pollShare: number
  /**
   * Requests in flight at once; more wait in line for the first reply to end. Each attempt holds
   * one from sending its request to the end of its reply. `Infinity` for no limit. Default 64.
   */
  readonly maxInFlight: number
}

/**
 * The resolved configuration.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** The user UUID, sent as `X-Auth-UserId`. */
  readonly userId: string
  /** The API token, sent as `X-Auth-Token`; redacted wherever it is shown. */
  readonly token: Redacted.Redacted<string>
  /** The API's base URL, without a trailing slash. */
  readonly apiUrl: string
  /** Timeout of one HTTP attempt. Default 30 s. */
  readonly timeout: Duration.Duration
  /** Timeout of a whole operation (all attempts and job polling), if any. Default none. */
  readonly operationTimeout: Option.Option<Duration.Duration>
  /** Largest reply body read, in bytes. Default 32 MiB. */
  readonly maxResponseBytes: number
  /** How failed attempts are retried. */
  readonly retry: RetryPolicy
  /** How jobs are polled. */
  readonly polling: PollingPolicy
  /** The client side of the account's rate limit. */
  readonly rate: RateBudget
}

/**
 * What `layer` takes. Only the credentials are required.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  /** The user UUID (1 to 64 letters, digits or `-`), as shown in the panel under API. */
  readonly userId: string
  /** The API token; a plain string is wrapped in `Redacted`. */
  readonly token: Redacted.Redacted<string> | string
  /** Default `https://api.gridscale.io`. */
  readonly apiUrl?: string | undefined
  /** Allow plain `http://` to a host that is not loopback. Default false. */
  readonly allowInsecureHttp?: boolean | undefined
  /** Timeout of one HTTP attempt. Default 30 s. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Timeout of a whole operation, retries and polling included. Default none. */
  readonly operationTimeout?: Duration.DurationInput | undefined
  /** Largest reply body read, in bytes. Default 32 MiB. */
  readonly maxResponseBytes?: number | undefined
  /** Overrides of the retry policy; see `defaultRetry`. */
  readonly retry?: Partial<OptionsOf<RetryPolicy>> | undefined
  /** Overrides of the polling policy; see `defaultPolling`. */
  readonly polling?: Partial<OptionsOf<PollingPolicy>> | undefined
  /** Overrides of the rate budget; see `defaultRate`. */
  readonly rate?: Partial<OptionsOf<RateBudget>> | undefined
}

/**
 * A policy as given by a user: durations in any form `Duration.decode` takes.
 *
 * @since 0.1.0
 * @category Models
 */
export type OptionsOf<A> = {
  readonly [K in keyof A]: A[K] extends Duration.Duration ? Duration.DurationInput : A[K]
}

/**
 * @since 0.1.0
 * @category Tags
 */
export class GridscaleConfig extends Context.Tag("effect-gridscale/GridscaleConfig")<GridscaleConfig, Service>() {}

/**
 * The default API URL.
 *
 * @since 0.1.0
 * @category Constants
 */
export const defaultApiUrl = "https://api.gridscale.io"

/**
 * @since 0.1.0
 * @category Constants
 */
export const defaultRetry: RetryPolicy = {
  maxRetries: 5,
  maxElapsed: Duration.minutes(2),
  baseDelay: Duration.millis(250),
  maxDelay: Duration.seconds(20)
}

/**
 * @since 0.1.0
 * @category Constants
 */
export const defaultPolling: PollingPolicy = {
  initialDelay: Duration.millis(100),
  youngFactor: 1.1,
  youngFor: Duration.seconds(2),
  oldFactor: 1.4,
  maxInterval: Duration.millis(1900),
  timeout: Duration.minutes(5)
}

/**
 * @since 0.1.0
 * @category Constants
 */
export const defaultRate: RateBudget = {
  limit: 210,
  window: Duration.seconds(60),
  pollShare: 0.5,
  maxInFlight: 64
}

const userIdPattern = /^[A-Za-z0-9-]{1,64}$/
const printableAscii = /^[\x20-\x7e]+$/
const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"])

const invalid = (key: string, message: string) => ConfigError.InvalidData([key], message)

const checkUserId = (userId: string) =>
  userId.length === 0
    ? Effect.fail(invalid("userId", "the user UUID is empty"))
    : userIdPattern.test(userId)
    ? Effect.succeed(userId)
    : Effect.fail(
      invalid("userId", "the user UUID must be 1 to 64 letters, digits or '-' (as shown in the panel under API)")
    )

const checkToken = (token: Redacted.Redacted<string>) => {
  const value = Redacted.value(token)
  if (value.length === 0) return Effect.fail(invalid("token", "the API token is empty"))
  if (!isHeaderSafe(value)) return Effect.fail(invalid("token", "the API token contains control characters"))
  // A header carries bytes, not text: a token with other characters would fail every request.
  if (!printableAscii.test(value)) {
    return Effect.fail(invalid("token", "the API token must be printable ASCII (as the panel shows it)"))
  }
  return Effect.succeed(token)
}

const isLoopback = (hostname: string) => loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname)

const checkApiUrl = (raw: string, allowInsecureHttp: boolean) => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return Effect.fail(invalid("apiUrl", `the API URL is not a URL: ${JSON.stringify(raw.slice(0, 80))}`))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Effect.fail(invalid("apiUrl", `the API URL must be http(s), got ${url.protocol}`))
  }
  if (url.username || url.password || url.search || url.hash) {
    return Effect.fail(invalid("apiUrl", "the API URL must not carry credentials, a query or a fragment"))
  }
  if (url.protocol === "http:" && !allowInsecureHttp && !isLoopback(url.hostname)) {
    return Effect.fail(
      invalid(
        "apiUrl",
        `plain http:// to ${url.hostname} would send the token unencrypted; use https, or set allowInsecureHttp`
      )
    )
  }
  return Effect.succeed(url.href.replace(/\/+$/, ""))
}

const positiveDuration = (key: string, input: Duration.DurationInput) => {
  const duration = Duration.decode(input)
  return Duration.greaterThan(duration, Duration.zero)
    ? Effect.succeed(duration)
    : Effect.fail(invalid(key, `${key} must be longer than zero`))
}

const durations = <A>(key: string, defaults: A, given: Partial<OptionsOf<A>> | undefined) =>
  Effect.forEach(Object.entries(defaults as object), ([name, fallback]) => {
    const value = (given as Record<string, unknown> | undefined)?.[name]
    if (value === undefined) return Effect.succeed([name, fallback] as const)
    if (Duration.isDuration(fallback)) {
      return Effect.map(positiveDuration(`${key}.${name}`, value as Duration.DurationInput), (d) => [name, d] as const)
    }
    // Retries may be turned off; every other number must be positive.
    const least = name === "maxRetries" ? 0 : Number.MIN_VALUE
    return typeof value === "number" && value >= least && !Number.isNaN(value)
      ? Effect.succeed([name, value] as const)
      : Effect.fail(
        invalid(`${key}.${name}`, `${key}.${name} must be a ${least === 0 ? "non-negative" : "positive"} number`)
      )
  }).pipe(Effect.map((entries) => Object.fromEntries(entries) as A))

/**
 * Checks and resolves options into the configuration.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const token = typeof options.token === "string" ? Redacted.make(options.token) : options.token
    const rate = yield* durations("rate", defaultRate, options.rate)
    if (rate.pollShare > 1) return yield* Effect.fail(invalid("rate.pollShare", "rate.pollShare must be at most 1"))
    if (!Number.isInteger(rate.maxInFlight) && rate.maxInFlight !== Infinity) {
      return yield* Effect.fail(invalid("rate.maxInFlight", "rate.maxInFlight must be a whole number or Infinity"))
    }
    const maxResponseBytes = options.maxResponseBytes ?? 32 * 1024 * 1024
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes <= 0) {
      return yield* Effect.fail(invalid("maxResponseBytes", "maxResponseBytes must be a positive integer"))
    }
    const retry = yield* durations("retry", defaultRetry, options.retry)
    if (!Number.isInteger(retry.maxRetries)) {
      return yield* Effect.fail(invalid("retry.maxRetries", "retry.maxRetries must be a whole number"))
    }
    return {
      userId: yield* checkUserId(options.userId),
      token: yield* checkToken(token),
      apiUrl: yield* checkApiUrl(options.apiUrl ?? defaultApiUrl, options.allowInsecureHttp ?? false),
      timeout: yield* positiveDuration("timeout", options.timeout ?? Duration.seconds(30)),
      operationTimeout: options.operationTimeout === undefined
        ? Option.none()
        : Option.some(yield* positiveDuration("operationTimeout", options.operationTimeout)),
      maxResponseBytes,
      retry,
      polling: yield* durations("polling", defaultPolling, options.polling),
      rate
    }
  })

/**
 * A layer from options given in code.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<GridscaleConfig, ConfigError.ConfigError> =>
  Layer.effect(GridscaleConfig, make(options))

/**
 * A layer reading `GRIDSCALE_UUID`, `GRIDSCALE_TOKEN` and (optionally) `GRIDSCALE_URL` from effect's
 * `ConfigProvider` (the environment by default); other settings come from `options`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  options?: Omit<Options, "userId" | "token"> | undefined
): Layer.Layer<GridscaleConfig, ConfigError.ConfigError> =>
  Layer.effect(
    GridscaleConfig,
    Effect.gen(function*() {
      const userId = yield* Config.string("GRIDSCALE_UUID")
      const token = yield* Config.redacted("GRIDSCALE_TOKEN")
      const apiUrl = yield* Config.option(Config.string("GRIDSCALE_URL"))
      return yield* make({
        ...options,
        userId,
        token,
        apiUrl: Option.getOrElse(apiUrl, () => options?.apiUrl ?? defaultApiUrl)
      }).pipe(Effect.mapError((error) => namedAfterEnvironment(error, Option.isSome(apiUrl))))
    })
  )

/** The variables `layerConfig` reads, by the option each one fills. */
const environmentNames: Readonly<Record<string, string>> = {
  userId: "GRIDSCALE_UUID",
  token: "GRIDSCALE_TOKEN",
  apiUrl: "GRIDSCALE_URL"
}

/** A setting read from the environment is named as the user wrote it: `GRIDSCALE_TOKEN`, not `token`. */
const namedAfterEnvironment = (error: ConfigError.ConfigError, urlFromEnvironment: boolean) => {
  if (error._op !== "InvalidData" || error.path.length !== 1) return error
  const [key] = error.path
  const name = key === "apiUrl" && !urlFromEnvironment ? undefined : environmentNames[key!]
  if (name === undefined) return error
  const message = error.message.replace(
    /^the API URL|^the API token|^the user UUID/,
    (what) => `${name} (${what.slice(4)})`
  )
  return ConfigError.InvalidData([name], message)
}
