/**
 * Runs the CLI in this process against the in-memory simulator, on effect's `TestClock`: jobs,
 * polls and retry waits take no wall-clock time. Standard output and error are captured.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as GridscaleSimulator from "effect-gridscale/GridscaleSimulator"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { run } from "../src/Cli.js"

/** What one run printed and its exit status. */
export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** How a run sees its environment. */
export interface RunEnv {
  /** Environment variables (GRIDSCALE_*); `undefined` leaves one out. */
  readonly env?: Record<string, string | undefined>
  readonly stdoutIsTTY?: boolean
  readonly stderrIsTTY?: boolean
  /** Called once the run is underway, with its fiber (to interrupt it, say). */
  readonly during?: (
    fiber: Fiber.RuntimeFiber<number>
  ) => Effect.Effect<void, never, GridscaleSimulator.GridscaleSimulator>
}

const defaultEnv = { GRIDSCALE_UUID: "cli-user", GRIDSCALE_TOKEN: "cli-token" }

/** The simulator the runs talk to: jobs take 2 s of `TestClock` time. */
export const simulatorLayer = Layer.merge(
  GridscaleSimulator.layerWith({ jobDuration: 2000, credentials: { userId: "cli-user", token: "cli-token" } }),
  NodeContext.layer
)

/**
 * Runs `gridscale args...`, moving `TestClock` on until it ends. Needs the simulator layer.
 */
export const gridscale = (args: ReadonlyArray<string>, options: RunEnv = {}) =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const env = { ...defaultEnv, ...options.env }
    const provider = ConfigProvider.fromMap(
      new Map(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined))
    )
    const fiber = yield* Console.consoleWith((base) =>
      Effect.withConsole(
        run(["node", "gridscale", ...args], {
          streams: {
            stdoutIsTTY: options.stdoutIsTTY ?? false,
            stderrIsTTY: options.stderrIsTTY ?? false,
            color: true,
            writeStderr: () => {}
          }
        }),
        {
          ...base,
          log: (...parts) => Effect.sync(() => void stdout.push(`${parts.join(" ")}\n`)),
          error: (...parts) => Effect.sync(() => void stderr.push(`${parts.join(" ")}\n`))
        }
      )
    ).pipe(Effect.withConfigProvider(provider), Effect.fork)
    if (options.during) yield* options.during(fiber)
    // Every wait of a run is on the clock: move it on until the run ends (at most an hour of it).
    for (let i = 0; i < 3600 && Option.isNone(yield* Fiber.poll(fiber)); i++) yield* TestClock.adjust("1 second")
    const exit = yield* Fiber.await(fiber)
    // Interrupted from outside, as Ctrl-C does: bin.ts exits 130 then.
    const code = Exit.isSuccess(exit) ? exit.value : 130
    return { code, stdout: stdout.join(""), stderr: stderr.join("") } satisfies Result
  })

/** Runs a command that must succeed with nothing on standard error, and parses its JSON output. */
export const json = (args: ReadonlyArray<string>) =>
  Effect.map(gridscale([...args, "--json"]), (result) => {
    if (result.code !== 0 || result.stderr !== "") {
      throw new Error(`gridscale ${args.join(" ")} exited ${result.code}: ${result.stderr}`)
    }
    return JSON.parse(result.stdout)
  })
