/**
 * The `gridscale` command line: `gridscale <command> <verb> [arguments] [flags]`, built with
 * `@effect/cli` on the `effect-gridscale` driver. Only the command named on the command line is
 * loaded; the help of `gridscale` and of each command lists what there is.
 *
 * @since 0.1.0
 */
import type * as CliApp from "@effect/cli/CliApp"
import type * as Command from "@effect/cli/Command"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Verb } from "./commands.js"
import { ConfigurationProblem } from "./errors.js"
import { exitCodes } from "./exitCodes.js"
import { entries, type Entry, find } from "./families.js"
import * as Streams from "./streams.js"

/**
 * The version `gridscale --version` prints.
 *
 * @since 0.1.0
 */
export const version = "0.1.0"

const columns = (rows: ReadonlyArray<readonly [string, string]>) => {
  const width = Math.max(...rows.map(([name]) => name.length))
  return rows.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`).join("\n")
}

const rootHelp = () =>
  [
    `gridscale ${version}: manage gridscale resources from the shell.`,
    "",
    "USAGE",
    "  gridscale <command> <verb> [arguments] [flags]",
    "",
    "COMMANDS",
    columns(entries.map((e) => [e.cli, e.summary])),
    "",
    "Credentials come from GRIDSCALE_UUID and GRIDSCALE_TOKEN (or --user-id and --token), the API URL",
    "from GRIDSCALE_URL (or --api-url).",
    "Run 'gridscale <command> --help' for its verbs, 'gridscale <command> <verb> --help' for their flags.",
    "Other flags: --version, --completions sh|bash|fish|zsh."
  ].join("\n")

const familyHelp = (entry: Entry, verbs: ReadonlyArray<Verb>) =>
  [
    `gridscale ${entry.cli}: ${entry.summary}`,
    "",
    "USAGE",
    `  gridscale ${entry.cli} <verb> [arguments] [flags]`,
    "",
    "VERBS",
    columns(verbs.map((v) => [v.name, v.summary])),
    "",
    `Run 'gridscale ${entry.cli} <verb> --help' for a verb's arguments and flags.`
  ].join("\n")

/** Edits from one word to another (insertions, deletions, substitutions). */
const distance = (a: string, b: string): number => {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]!
}

/** ` (did you mean 'ssh-keys'?)` when a name is close to one of `names`: a typo, a missing `s`. */
const suggestion = (given: string, names: ReadonlyArray<readonly [name: string, canonical: string]>) => {
  const best = names
    .map(([name, canonical]) => ({ canonical, d: distance(given, name) }))
    .sort((a, b) => a.d - b.d)[0]
  return best !== undefined && best.d <= 2 ? ` (did you mean '${best.canonical}'?)` : ""
}

/** A usage error: the problem, then the help, both on standard error. Exit status 2. */
const usageError = (problem: string, help: string) =>
  Console.error(`${problem}\n\n${help}`).pipe(Effect.as(exitCodes.Usage as number))

const isHelp = (arg: string | undefined) => arg === "--help" || arg === "-h"

const loadVerbs = (entry: Entry) => Effect.promise(() => entry.load()).pipe(Effect.map((module) => module.verbs))

const runner = Effect.promise(() => import("./runner.js"))

/**
 * Every command and verb as one `@effect/cli` command tree (for shell completion scripts and for
 * embedding). Loads every command.
 *
 * @since 0.1.0
 */
export const commandTree: Effect.Effect<Command.Command<"gridscale", any, any, any>> = Effect.flatMap(
  runner,
  (runner) => runner.commandTree
)

type Environment = HttpClient.HttpClient | CliApp.CliApp.Environment | Streams.Streams

/** Runs the command line; answers the exit status, or fails with what a command failed with. */
const dispatch = (args: ReadonlyArray<string>): Effect.Effect<number, unknown, Environment> =>
  Effect.gen(function*() {
    const [first, second] = args
    if (first === undefined || isHelp(first)) return yield* Console.log(rootHelp()).pipe(Effect.as(0))
    if (first === "--version") return yield* Console.log(version).pipe(Effect.as(0))
    if (first === "--completions") return yield* Effect.flatMap(runner, (r) => r.completions(args, version))
    if (first.startsWith("-")) return yield* usageError(`gridscale: unknown flag '${first}'`, rootHelp())
    const entry = find(first)
    if (entry === undefined) {
      const names = entries.flatMap((e) => [e.cli, ...e.aliases].map((name) => [name, e.cli] as const))
      return yield* usageError(`gridscale: unknown command '${first}'${suggestion(first, names)}`, rootHelp())
    }
    const verbs = yield* loadVerbs(entry)
    if (second === undefined || isHelp(second)) return yield* Console.log(familyHelp(entry, verbs)).pipe(Effect.as(0))
    const chosen = verbs.find((v) => v.name === second)
    if (chosen === undefined) {
      const problem = second.startsWith("-")
        ? `gridscale ${entry.cli}: a verb comes first, got '${second}'`
        : `gridscale ${entry.cli}: unknown verb '${second}'${suggestion(second, verbs.map((v) => [v.name, v.name]))}`
      return yield* usageError(problem, familyHelp(entry, verbs))
    }
    return yield* Effect.flatMap(runner, (r) => r.runVerb(entry.cli, chosen, args.slice(2), version))
  })

/**
 * An API error's message with the reason phrase said once: the library's message holds the
 * status's reason and the body's title, and the API's title is often that same phrase.
 */
const messageOf = (error: { readonly message: string }): string =>
  // "404 Not Found Not Found: ..." → "404 Not Found: ...": the reason phrase, then the same title.
  error.message.replace(/\b(\d{3}) ([A-Z][\w'-]*(?: [A-Z][\w'-]*)*) \2\b/, "$1 $2")

/** The library's errors, told by their tag (without loading the library to ask it). */
const isLibraryError = (error: unknown): error is { readonly _tag: keyof typeof exitCodes; readonly message: string } =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string" &&
  error._tag in exitCodes && error instanceof Error

interface Described {
  readonly code: number
  readonly message: string
  readonly json: unknown
}

const describe = (error: unknown): Described => {
  if (isLibraryError(error)) {
    const message = messageOf(error)
    // `message` is not an own field of these errors: name it, then the plain fields.
    return {
      code: exitCodes[error._tag],
      message: `${error._tag}: ${message}`,
      json: { ...error, _tag: error._tag, message }
    }
  }
  if (error instanceof ConfigurationProblem) {
    return {
      code: exitCodes.Configuration,
      message: `Configuration: ${error.message}`,
      json: { _tag: "Configuration", message: error.message }
    }
  }
  return {
    code: exitCodes.Unexpected,
    message: `Unexpected: ${String(error)}`,
    json: { _tag: "Unexpected", message: String(error) }
  }
}

/**
 * How a run prints: the streams it writes to (this process's by default).
 *
 * @since 0.1.0
 */
export interface RunOptions {
  readonly streams?: Streams.Service | undefined
}

/**
 * Runs the CLI on `argv` (as `process.argv`: the first two entries are skipped) and answers the
 * exit status. Errors are printed to standard error (as JSON with `--json`), never thrown.
 *
 * @since 0.1.0
 */
export const run = (
  argv: ReadonlyArray<string>,
  options: RunOptions = {}
): Effect.Effect<number, never, HttpClient.HttpClient | CliApp.CliApp.Environment> => {
  const args = argv.slice(2)
  const json = args.includes("--json")
  return dispatch(args).pipe(
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.succeed(exitCodes.Interrupted as number)
      const failure = Cause.failureOption(cause)
      const described: Described = Option.isSome(failure)
        ? describe(failure.value)
        : {
          code: exitCodes.Unexpected,
          message: `Unexpected: ${Cause.pretty(cause)}`,
          json: { _tag: "Unexpected", message: Cause.pretty(cause) }
        }
      return (json ? Console.error(JSON.stringify({ error: described.json })) : Console.error(described.message)).pipe(
        Effect.as(described.code)
      )
    }),
    Streams.withPlainText,
    Effect.provideService(Streams.Streams, options.streams ?? Streams.fromProcess())
  )
}
