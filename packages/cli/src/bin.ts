#!/usr/bin/env node
/**
 * The `gridscale` executable: the CLI on Node, with undici as the HTTP client.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { run } from "./Cli.js"
import { exitCodes } from "./exitCodes.js"

const program = run(process.argv).pipe(
  Effect.flatMap((code) => Effect.sync(() => void (process.exitCode = code))),
  Effect.provide(Layer.merge(NodeContext.layer, NodeHttpClient.layerUndici))
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) =>
    onExit(
      Exit.isSuccess(exit)
        ? 0
        : Cause.isInterruptedOnly(exit.cause)
        ? exitCodes.Interrupted
        : exitCodes.Unexpected
    )
})
