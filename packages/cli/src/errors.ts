/**
 * The CLI's own failures, apart from the library's errors.
 */
import * as Data from "effect/Data"

/**
 * A configuration problem, in the terms of the CLI (its environment variables and flags, not the
 * library's option names). Exit status 3.
 */
export class ConfigurationProblem extends Data.TaggedError("ConfigurationProblem")<{ readonly message: string }> {}
