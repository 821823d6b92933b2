/**
 * Input checks run before anything is sent. Each input schema states its own bounds; a value
 * outside them becomes `InvalidInput` naming the field, and no request is made.
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { InvalidInput } from "../GridscaleError.js"
import { describe, safeSegment } from "./input.js"

/** Names: 1 to 64 characters (counted as the API counts them: code points, not UTF-16 units). */
export const Name = Schema.String.pipe(
  Schema.filter((s) => {
    const length = Array.from(s).length
    return (length >= 1 && length <= 64) || `must be 1 to 64 characters, got ${length}`
  })
)

/** An id given as input: a safe path segment, as `checkId` requires for ids in paths. */
export const IdInput = Schema.String.pipe(
  Schema.filter((s) => safeSegment.test(s) || `must be 1 to 64 letters, digits or '-', got ${describe(s)}`)
)

/** Cores, memory (GB) and other counts. */
export const PositiveInt = Schema.Number.pipe(
  Schema.filter((n) => (Number.isSafeInteger(n) && n > 0) || `must be a positive whole number, got ${describe(n)}`)
)

/** Storage capacity in GB, 1 to 4096 as the spec bounds it. */
export const Capacity = Schema.Number.pipe(
  Schema.filter((n) =>
    (Number.isInteger(n) && n >= 1 && n <= 4096) || `must be a whole number of GB from 1 to 4096, got ${describe(n)}`
  )
)

const firstIssue = (field: string, error: ParseResult.ParseError): InvalidInput => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  const name = issue && issue.path.length > 0 ? `${field}.${issue.path.join(".")}` : field
  const reason = (issue?.message ?? "is not valid").slice(0, 200)
  return new InvalidInput({
    field: name,
    message: reason.startsWith("must") ? `${name} ${reason}` : `${name}: ${reason}`
  })
}

/**
 * Checks a caller's input against its schema; the checked value has unknown keys removed, so only
 * what the schema names is sent. The decoder is made on the first check: a client makes a checker
 * for each of its operations, and most are never called.
 */
export const check = <A, I>(schema: Schema.Schema<A, I, never>, field: string) => {
  let decode: ((input: unknown) => Effect.Effect<A, ParseResult.ParseError>) | undefined
  return (input: unknown): Effect.Effect<A, InvalidInput> =>
    Effect.mapError(
      (decode ??= Schema.decodeUnknown(schema, { errors: "first", onExcessProperty: "ignore" }))(input),
      (error) => firstIssue(field, error)
    )
}
