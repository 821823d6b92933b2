/**
 * The `gridscale` program on Node: runs the command line and exits once its output is written.
 * Started by bin.ts; bundled into dist/chunks/ with the commands it loads (see scripts/bundle.mjs),
 * of which it loads only the one named on the command line.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { run } from "./Cli.js"
import { exitCodes } from "./exitCodes.js"

/**
 * Node's own `http` and `https` modules as the HTTP client, with connections kept open between a
 * command's requests (a create's job polls). A command sends a few requests: these modules load in
 * a few milliseconds, where the first `fetch` compiles Node's bundled undici (60-80 ms of a cold
 * start) and the undici package is larger still.
 */
const httpClient = NodeHttpClient.layerWithoutAgent.pipe(
  Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true }))
)

const program = run(process.argv).pipe(
  Effect.flatMap((code) => Effect.sync(() => void (process.exitCode = code))),
  // What @effect/cli needs (files, paths, the terminal), and the HTTP client.
  Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer, httpClient))
)

/**
 * Ends the process with `code` once what was written to standard output and error has been handed
 * to the system. The command is done by then: waiting for Node's event loop to drain instead would
 * wait for whatever a library left scheduled (Node's `fetch` held a process about half a second
 * after its last request).
 */
const exitWhenFlushed = (code: number) => {
  let pending = 2
  const flushed = () => {
    if (--pending === 0) process.exit(code)
  }
  process.stdout.write("", flushed)
  process.stderr.write("", flushed)
}

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit)) return exitWhenFlushed(typeof process.exitCode === "number" ? process.exitCode : 0)
    onExit(Cause.isInterruptedOnly(exit.cause) ? exitCodes.Interrupted : exitCodes.Unexpected)
  }
})
