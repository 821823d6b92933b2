import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { ChildProcess } from "node:child_process"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

interface Started {
  readonly firstLine: string
  readonly lines: Array<string>
  readonly child: ChildProcess
  /** Resolves once the script has printed `count` lines in all. */
  readonly linesAtLeast: (count: number) => Effect.Effect<Array<string>>
}

/** Starts `scripts/simulator.ts`, resolving with its first line and the process; killed with the scope. */
const startScript = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.async<Started>(
      (resume) => {
        const child = spawn("node_modules/.bin/tsx", ["scripts/simulator.ts", ...args], {
          cwd: root,
          env: { ...process.env, ...env }
        })
        const lines: Array<string> = []
        const waiting: Array<{ readonly count: number; readonly wake: () => void }> = []
        const linesAtLeast = (count: number) =>
          Effect.async<Array<string>>((wake) => {
            if (lines.length >= count) return wake(Effect.succeed(lines))
            waiting.push({ count, wake: () => wake(Effect.succeed(lines)) })
          })
        let buffer = ""
        child.stdout.on("data", (chunk: Buffer) => {
          buffer += chunk.toString("utf8")
          const parts = buffer.split("\n")
          buffer = parts.pop() ?? ""
          for (const line of parts) {
            lines.push(line)
            if (lines.length === 1) resume(Effect.succeed({ firstLine: line, lines, child, linesAtLeast }))
          }
          for (const waiter of waiting.filter((w) => lines.length >= w.count)) {
            waiting.splice(waiting.indexOf(waiter), 1)
            waiter.wake()
          }
        })
        return Effect.sync(() => child.kill())
      }
    ),
    (started) => Effect.sync(() => started.child.kill())
  )

describe("npm run simulator", () => {
  it.live(
    "prints its URL, checks the credentials from the environment and logs each request in one line",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const token = "script-secret-token"
        const { firstLine, linesAtLeast } = yield* startScript(["--port", "0", "--job-ms", "0"], {
          GRIDSCALE_UUID: "script-user",
          GRIDSCALE_TOKEN: token
        })
        const url = firstLine.match(/^gridscale simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/)?.[1]
        expect(url, firstLine).toBeDefined()
        const headers = { "X-Auth-UserId": "script-user", "X-Auth-Token": token }
        const ok = yield* Effect.promise(() => fetch(`${url}/objects/locations/`, { headers }))
        expect(ok.status).toBe(200)
        const wrong = yield* Effect.promise(() =>
          fetch(`${url}/objects/locations`, { headers: { ...headers, "X-Auth-Token": "other" } })
        )
        expect(wrong.status).toBe(401)
        // The log lines arrive asynchronously: wait for them (the test's timeout bounds the wait).
        const lines = yield* linesAtLeast(3)
        expect(lines.slice(1)).toEqual([
          expect.stringMatching(/^GET \/objects\/locations\/ 200 [0-9a-f-]{36}$/),
          expect.stringMatching(/^GET \/objects\/locations 401 [0-9a-f-]{36}$/)
        ])
        expect(lines.join("\n")).not.toContain(token)
      })),
    30_000
  )
})
