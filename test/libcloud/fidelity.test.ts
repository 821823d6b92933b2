/**
 * Apache Libcloud's gridscale driver, unchanged, against the loopback simulator: listing,
 * key import, create_node end to end, snapshots, rename, start and destroy with associated
 * resources. Needs `/usr/bin/python3` with `python3-libcloud` (CI installs it).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile, spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as GridscaleSimulatorServer from "../../src/GridscaleSimulatorServer.js"

const python = "/usr/bin/python3"
const script = fileURLToPath(new URL("./fidelity.py", import.meta.url))
const libcloudMissing = spawnSync(python, ["-c", "import libcloud"]).status !== 0

if (libcloudMissing) {
  console.warn(
    `Skipping the Libcloud fidelity test: '${python} -c "import libcloud"' failed. ` +
      "Install it with 'apt-get install -y python3-libcloud'."
  )
}

const credentials = { userId: "b5d8c7a6-fidelity-user", token: "fidelity-token" }

const runScript = (port: number) =>
  Effect.async<{ readonly code: number; readonly output: string }>((resume) => {
    const child = execFile(
      python,
      [script, String(port), credentials.userId, credentials.token],
      { timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, output: `${stdout}${stderr}` }))
      }
    )
    return Effect.sync(() => child.kill())
  })

describe.skipIf(libcloudMissing)("Libcloud fidelity", () => {
  it.live(
    "Libcloud's gridscale driver works unchanged against the loopback simulator",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const lines: Array<string> = []
        const handle = yield* GridscaleSimulatorServer.serve({
          credentials,
          jobDuration: 200,
          log: (line) => lines.push(line)
        })
        const { code, output } = yield* runScript(handle.port)
        expect(output, `${output}\n--- simulator log ---\n${lines.join("\n")}`).toContain("FIDELITY OK")
        expect(code).toBe(0)
        const counters = handle.counters()
        expect(counters.byStatus["401"]).toBeUndefined()
        expect(counters.byStatus["404"]).toBeUndefined()
        expect(counters.byStatus["400"]).toBeUndefined()
        expect(counters.created.servers).toEqual({ "fidelity-node": 1 })
        expect(Object.keys(handle.snapshot().servers!)).toEqual([])
      })),
    120_000
  )
})
