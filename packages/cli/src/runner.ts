/**
 * Runs one verb with `@effect/cli`, and builds the whole command tree for completion scripts.
 * Loaded only when a verb runs: `gridscale --help` and `--version` do without `@effect/cli`.
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { Verb } from "./commands.js"
import { exitCodes } from "./exitCodes.js"
import { entries } from "./families.js"

/** `@effect/cli` wants `process.argv`'s shape: two entries before the arguments. */
const argvOf = (args: ReadonlyArray<string>) => ["node", "gridscale", ...args]

/** Help without the built-in flags of every command (shown once, in `gridscale --help`). */
const config = CliConfig.layer({ showBuiltIns: false })

/**
 * Runs `verb` of `gridscale <command>` on the arguments after the verb. A usage error has been
 * printed by `@effect/cli`; it exits 2 with a pointer to the verb's help.
 */
export const runVerb = (command: string, verb: Verb, args: ReadonlyArray<string>, version: string) => {
  const path = `gridscale ${command} ${verb.name}`
  // The verb's command is named after its whole path: that is what its usage line shows.
  return Command.run(verb.make(path), { name: "gridscale", version })(argvOf(args)).pipe(
    Effect.as(0),
    Effect.catchIf(
      ValidationError.isValidationError,
      () =>
        Console.error(`Run '${path} --help' for its arguments and flags.`).pipe(Effect.as(exitCodes.Usage as number))
    ),
    Effect.provide(config)
  )
}

/** Every command and verb as one `@effect/cli` command tree. Loads every command. */
export const commandTree = Effect.forEach(entries, (entry) =>
  Effect.promise(() => entry.load()).pipe(
    Effect.map(({ verbs }) =>
      Command.make(entry.cli).pipe(
        Command.withDescription(entry.summary),
        Command.withSubcommands(verbs.map((v) => v.make(v.name)) as [Command.Command<any, any, any, any>])
      )
    )
  )).pipe(
    Effect.map((families) =>
      Command.make("gridscale").pipe(
        Command.withDescription("Manage gridscale resources."),
        Command.withSubcommands(families as [Command.Command<any, any, any, any>])
      )
    )
  )

/** `gridscale --completions <shell>`: the completion script of the whole tree. */
export const completions = (args: ReadonlyArray<string>, version: string) =>
  Effect.flatMap(commandTree, (tree) => Command.run(tree, { name: "gridscale", version })(argvOf(args))).pipe(
    Effect.as(0),
    Effect.provide(config)
  )
