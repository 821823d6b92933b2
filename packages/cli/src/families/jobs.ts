/**
 * `gridscale jobs`: wait for the job of a write sent with `--no-wait`.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as GridscalePolling from "effect-gridscale/GridscalePolling"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { connectionOptions, jobOptions, jobOptionsOf, type Verb, verb, withClient } from "../commands.js"
import { printJson, withProgress } from "../output.js"

/** The verbs of `gridscale jobs`. */
export const verbs: ReadonlyArray<Verb> = [
  verb("wait", "Wait until a job is done; fails with JobFailed or JobTimeout.", (path) =>
    Command.make(
      path,
      {
        ...connectionOptions,
        timeout: jobOptions.timeout,
        id: Args.text({ name: "request-id" }).pipe(Args.withDescription("The request_uuid a write returned."))
      },
      withClient((options) =>
        Effect.gen(function*() {
          const polling = yield* GridscalePolling.GridscalePolling
          const status = yield* withProgress(
            `job ${options.id}`,
            options.json,
            (onProgress) => polling.awaitRequest(options.id, jobOptionsOf(options, onProgress))
          )
          yield* options.json
            ? printJson({ request_uuid: options.id, ...status })
            : Console.log(`job ${options.id}: ${status.status}`)
        })
      )
    ))
]
