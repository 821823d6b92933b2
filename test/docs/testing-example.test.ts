/**
 * The first example of docs/testing.md, run as a test; the last test checks that the page still
 * shows exactly this code (with the package's imports in place of the ones to src/ here).
 */
import * as Fs from "node:fs"
// --- example start ---
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as GridscaleTest from "../../src/GridscaleTest.js"

// The app under test: make sure a storage named `name` exists, creating it only if missing.
const ensureStorage = (name: string) =>
  Effect.gen(function*() {
    const gridscale = yield* Gridscale.Gridscale
    const existing = (yield* gridscale.storages.list()).find((s) => s.name === name)
    return existing ?? (yield* gridscale.storages.create({ name, capacity: 10 }))
  })

describe("ensureStorage", () => {
  it.effect("creates the storage once, however often it is asked", () =>
    Effect.gen(function*() {
      yield* ensureStorage("db")
      yield* ensureStorage("db")
      const counters = yield* GridscaleSimulator.counters
      expect(counters.created.storages).toEqual({ db: 1 })
    }).pipe(GridscaleTest.withTime(), Effect.provide(GridscaleTest.layer())))

  it.effect("a failed job fails the app with JobFailed", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.failNextJob({ method: "POST", path: "/objects/storages" })
      const error = yield* Effect.flip(ensureStorage("db"))
      expect(error._tag).toBe("JobFailed")
    }).pipe(GridscaleTest.withTime(), Effect.provide(GridscaleTest.layer())))

  it.effect("a 503 before the create is retried, and nothing is created twice", () =>
    Effect.gen(function*() {
      yield* GridscaleSimulator.injectFault({ kind: "ServiceUnavailable", method: "POST", times: 2 })
      const storage = yield* ensureStorage("db")
      expect(storage.name).toBe("db")
      const counters = yield* GridscaleSimulator.counters
      expect(counters.created.storages).toEqual({ db: 1 })
    }).pipe(GridscaleTest.withTime(), Effect.provide(GridscaleTest.layer())))
})
// --- example end ---
const start = "// --- example start ---\n"
const end = "// --- example end ---\n"

describe("docs/testing.md", () => {
  it("shows the example above as it is, importing from the package", () => {
    const self = Fs.readFileSync(new URL(import.meta.url), "utf8")
    const code = self.slice(self.indexOf(start) + start.length, self.indexOf(end))
    const fromSrc = /^import \* as (\w+) from "\.\.\/\.\.\/src\/\1\.js"\n/gm
    const names = [...code.matchAll(fromSrc)].map((match) => match[1])
    const example = code.replace(
      fromSrc,
      (_line, name) => name === names[0] ? `import { ${names.join(", ")} } from "effect-gridscale"\n` : ""
    )
    const page = Fs.readFileSync(new URL("../../docs/testing.md", import.meta.url), "utf8")
    expect(page).toContain("```ts\n" + example + "```\n")
  })
})
