/** The request as the simulator sees it: plain data, no platform types. */
export interface SimRequest {
  readonly method: string
  /** The path without host or query, e.g. `/objects/servers/`. */
  readonly path: string
  readonly query?: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly bodyText: string
  /** The body was longer than the limit and was not read to its end: the answer is 413. */
  readonly bodyTooLarge?: boolean
}

/** A reply ready to send. `bodyText` is empty for a 204. */
export interface SimReply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly bodyText: string
}

/** Faults the simulator can inject. */
export type FaultKind =
  | "TooManyRequests"
  | "ServiceUnavailable"
  | "FailedDependency"
  | "ConnectionRefused"
  | "InternalError"
  | "ConnectionReset"
  | "TruncatedBody"
  | "InvalidJson"
  | "SlowReply"

/**
 * Faults that answer before the request is carried out: the client may safely send it again.
 * The others are injected after the request was carried out, so the client cannot know.
 */
export const faultsBeforeApply: ReadonlySet<FaultKind> = new Set<FaultKind>([
  "TooManyRequests",
  "ServiceUnavailable",
  "FailedDependency",
  "ConnectionRefused"
])

/** Every fault kind, in a fixed order (the order rate-based faults draw from). */
export const allFaultKinds: ReadonlyArray<FaultKind> = [
  "TooManyRequests",
  "ServiceUnavailable",
  "FailedDependency",
  "ConnectionRefused",
  "InternalError",
  "ConnectionReset",
  "TruncatedBody",
  "InvalidJson",
  "SlowReply"
]

/** Which requests a rule applies to. Omitted fields match everything. */
export interface RequestMatch {
  readonly method?: string
  /** An exact path (a trailing slash is ignored) or a pattern tested against the path. */
  readonly path?: string | RegExp
}

/** Injects `kind` into matching requests. */
export interface FaultRule extends RequestMatch {
  readonly kind: FaultKind
  /** Only the nth matching request (1-based), counted from when the rule was added. */
  readonly nth?: number
  /** How many matching requests the rule hits before it is spent; unlimited when omitted. */
  readonly times?: number
  /** For `SlowReply`: the delay in milliseconds. */
  readonly delayMillis?: number
}

/** Fault injection settings. */
export interface FaultOptions {
  /** Probability (0 to 1) that any request gets a fault drawn from `kinds`. */
  readonly rate?: number
  /** Kinds drawn from when `rate` hits; all kinds when omitted. */
  readonly kinds?: ReadonlyArray<FaultKind>
  readonly rules?: ReadonlyArray<FaultRule>
  /** `Retry-After` seconds sent with an injected 503 or 429 (default 1). */
  readonly retryAfterSeconds?: number
  /** Delay of a `SlowReply` without its own `delayMillis` (default 2000 ms). */
  readonly slowMillis?: number
}

/** What a job is, when the duration or failure of jobs is decided. */
export interface JobInfo {
  readonly method: string
  readonly path: string
  /**
   * The list key of the family written to, e.g. `servers`, `storages`, `snapshots`,
   * `loadbalancers`, `paas_services`; a link or power change is a `servers` job.
   */
  readonly family: string
}

/** How long jobs take: fixed milliseconds, per family or path, or computed. */
export type JobDuration =
  | number
  | {
    readonly default?: number
    /** Milliseconds per family, by list key (`servers`, `storages`, `snapshots`, ...). */
    readonly byFamily?: Readonly<Record<string, number>>
    /** Milliseconds for jobs of requests matching a path pattern; first match wins. */
    readonly byPath?: ReadonlyArray<{ readonly path: string | RegExp; readonly millis: number }>
  }
  | ((job: JobInfo) => number)

/** Which jobs fail. */
export interface JobFailureOptions {
  /** Probability (0 to 1) that a job ends as `failed`. */
  readonly rate?: number
  /** Jobs of matching requests fail. */
  readonly match?: (job: JobInfo) => boolean
}

/** Rate limit settings, or `false` to turn it off. */
export type RateLimitOptions = false | { readonly limit?: number; readonly windowMillis?: number }

/** Options of a simulator. Every field has a default. */
export interface SimulatorOptions {
  /**
   * Seed of every random choice: ids, request ids, MAC addresses, fault draws, job failures. The
   * same seed replays the same run; without one each run (and each reset) draws its own, so ids
   * differ between runs. The catalogue's ids are fixed either way.
   */
  readonly seed?: number
  /** The only accepted credentials; when omitted any non-empty user id and token pass. */
  readonly credentials?: { readonly userId: string; readonly token: string }
  /** Default 500 ms for every job. */
  readonly jobDuration?: JobDuration
  readonly jobFailures?: JobFailureOptions
  /** Default 210 requests per 60 s window. */
  readonly rateLimit?: RateLimitOptions
  readonly faults?: FaultOptions
}

/** A fault that was injected, and whether the request had been carried out. */
export interface FaultRecord {
  readonly kind: FaultKind
  readonly method: string
  readonly path: string
  readonly requestId: string
  /** True when the write (if any) was applied before the fault: the client cannot know. */
  readonly applied: boolean
}

/** What the simulator has seen and done since it started or was reset. */
export interface Counters {
  readonly requests: number
  readonly byMethod: Readonly<Record<string, number>>
  readonly byStatus: Readonly<Record<string, number>>
  /** 429 replies sent because the rate limit was spent (injected 429s count as faults). */
  readonly rateLimited: number
  readonly faults: Readonly<Partial<Record<FaultKind, number>>>
  readonly faultLog: ReadonlyArray<FaultRecord>
  /** Writes (creates, changes, deletes, links, power changes) carried out. */
  readonly writesApplied: number
  /** How many objects were created per family and name: `created.storages["db"] === 2` is a duplicate. */
  readonly created: Readonly<Record<string, Readonly<Record<string, number>>>>
}

/** Every object the simulator holds, rendered as the API shows it, by plural family key. */
export type StateSnapshot = Readonly<Record<string, Readonly<Record<string, unknown>>>>

/** How a reply is delivered: normally, after a delay, cut short, or not at all. */
export type Delivery =
  | { readonly _tag: "Normal" }
  | { readonly _tag: "Slow"; readonly delayMillis: number }
  | { readonly _tag: "Truncated" }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "Refused" }

/** The simulator's answer to one request. */
export interface SimOutcome {
  readonly requestId: string
  readonly reply: SimReply
  readonly delivery: Delivery
}
