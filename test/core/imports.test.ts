import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { readdirSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))
const modules = readdirSync(new URL("../../src", import.meta.url)).filter((f) => f.endsWith(".ts"))

/** Imports one module first thing in a fresh Node process, as `effect-gridscale/<Module>` does. */
const importAlone = (file: string) =>
  Effect.async<string, Error>((resume) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "-e", `await import(${JSON.stringify(`./src/${file}`)})`],
      { cwd: root, timeout: 20_000 },
      (error, _stdout, stderr) =>
        resume(error ? Effect.fail(new Error(`${file}: ${stderr || error.message}`)) : Effect.succeed(file))
    )
  })

describe("modules", () => {
  it.live("every module can be the first one a program imports (no import cycle bites)", () =>
    Effect.gen(function*() {
      const imported = yield* Effect.forEach(modules, importAlone, { concurrency: 4 })
      expect(imported).toEqual(modules)
      expect(modules.length).toBeGreaterThan(15)
    }), 120_000)
})
