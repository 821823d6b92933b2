#!/usr/bin/env node
/**
 * The `gridscale` executable: the CLI on Node. Built into one file (see scripts/bundle.mjs), which
 * loads the command named on the command line and nothing else of the CLI.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { run } from "./Cli.js"
import { exitCodes } from "./exitCodes.js"

const program = run(process.argv).pipe(
  Effect.flatMap((code) => Effect.sync(() => void (process.exitCode = code))),
  // What @effect/cli needs (files, paths, the terminal), and Node's own fetch as the HTTP client: a
  // command sends a few requests, and fetch costs less to load than undici's package.
  Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer, FetchHttpClient.layer))
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
