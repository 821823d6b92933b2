/**
 * What the CLI knows about where its output goes: whether standard output and standard error are
 * terminals. Colours, progress lines and notes for people are written only to a terminal, so
 * pipes, files and scripts get plain text.
 */
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/** The output streams of one run. */
export interface Service {
  /** Standard output is a terminal (a person reads it). */
  readonly stdoutIsTTY: boolean
  /** Standard error is a terminal: progress lines and notes go there. */
  readonly stderrIsTTY: boolean
  /** Colours allowed at all (`NO_COLOR` unset). */
  readonly color: boolean
  /** Writes raw text to standard error (a progress line redrawn in place). */
  readonly writeStderr: (text: string) => void
}

/** The output streams of one run. */
export class Streams extends Context.Tag("@effect-gridscale/cli/Streams")<Streams, Service>() {}

/** The streams of this process. */
export const fromProcess = (): Service => ({
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  color: process.env.NO_COLOR === undefined || process.env.NO_COLOR === "",
  writeStderr: (text) => void process.stderr.write(text)
})

// CSI sequences (colours, cursor moves) as @effect/printer-ansi writes them.

const ansi = /\u001b\[[0-9;?]*[A-Za-z]/g

/** The text without ANSI escape sequences. */
export const stripAnsi = (text: string): string => text.replace(ansi, "")

const plain = (args: ReadonlyArray<unknown>) => args.map((a) => (typeof a === "string" ? stripAnsi(a) : a))

/**
 * Runs `effect` with a console that removes ANSI escapes from what goes to a stream that is not a
 * terminal (or everywhere under `NO_COLOR`). @effect/cli colours its help and errors always.
 */
export const withPlainText = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Streams> =>
  Effect.flatMap(Streams, (streams) =>
    Console.consoleWith((console) => {
      const stripOut = !streams.color || !streams.stdoutIsTTY
      const stripErr = !streams.color || !streams.stderrIsTTY
      if (!stripOut && !stripErr) return effect
      return Effect.withConsole(effect, {
        ...console,
        log: (...args) => console.log(...(stripOut ? plain(args) : args)),
        info: (...args) => console.info(...(stripOut ? plain(args) : args)),
        error: (...args) => console.error(...(stripErr ? plain(args) : args)),
        warn: (...args) => console.warn(...(stripErr ? plain(args) : args))
      })
    }))

/**
 * Runs `effect` with what it logs sent to standard error instead: help printed after a usage
 * error is not the command's output.
 */
export const logToStderr = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Console.consoleWith((console) =>
    Effect.withConsole(effect, {
      ...console,
      log: (...args) => console.error(...args),
      info: (...args) => console.error(...args)
    })
  )
