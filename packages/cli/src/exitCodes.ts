/**
 * The exit status of `gridscale` for each way a command can end. Scripts can tell a missing object
 * (12) from a refused token (10) or a job that failed (22) without reading the message.
 */
import type { GridscaleError } from "effect-gridscale/GridscaleError"

/**
 * Exit statuses by error tag, plus those of the CLI itself.
 *
 * @since 0.1.0
 */
export const exitCodes = {
  /** The command did what it was asked. */
  Success: 0,
  /** An unexpected failure (a bug: please report it). */
  Unexpected: 1,
  /** The command line was wrong: an unknown command or option, a missing or malformed argument. */
  Usage: 2,
  /** The configuration is missing or invalid: no credentials, a malformed API URL. */
  Configuration: 3,
  /** The input failed a check before anything was sent. */
  InvalidInput: 4,
  InvalidCredentials: 10,
  AccessDenied: 11,
  ResourceNotFound: 12,
  InvalidRequest: 13,
  QuotaExceeded: 14,
  Conflict: 15,
  ResourceLocked: 16,
  RateLimitExceeded: 17,
  ServerError: 18,
  UnexpectedStatus: 19,
  TransportError: 20,
  ResponseDecodeError: 21,
  JobFailed: 22,
  JobTimeout: 23,
  /** Interrupted (Ctrl-C): whatever was sent may or may not have been carried out. */
  Interrupted: 130
} as const satisfies Record<GridscaleError["_tag"], number> & Record<string, number>

/**
 * The exit status for an error of the library.
 *
 * @since 0.1.0
 */
export const exitCodeOf = (error: GridscaleError): number => exitCodes[error._tag]
