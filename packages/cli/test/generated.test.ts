/**
 * The CLI's commands cover the whole API: a command per family of the library's overlay and a verb
 * per operation, with help at every level. Reads the overlay from the repository's sources (the
 * CLI itself reads only its generated copy, src/generated/families.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { families as overlay } from "../../../src/internal/families.js"
import { entries, find } from "../src/families.js"
import { families } from "../src/generated/families.js"
import { gridscale, simulatorLayer } from "./support.js"

describe("generated commands", () => {
  it("match the overlay: one command per family, one verb per operation", () => {
    expect(families.map((f) => f.cli)).toEqual(overlay.map((f) => f.cli))
    let covered = 0
    for (const family of overlay) {
      const generated = families.find((f) => f.cli === family.cli)!
      for (const method of Object.keys(family.operations)) {
        covered++
        // Listing by location is `list --location`.
        if (method === "listByLocation") expect(generated.byLocation).toBe(true)
        else expect(generated.verbs.map((v) => v.method)).toContain(method)
      }
    }
    expect(covered).toBe(148)
  })

  it.effect("every command lists its verbs, every verb builds, and a verb of each kind has its help", () =>
    Effect.gen(function*() {
      const root = yield* gridscale(["--help"])
      const sampled = new Set<string>()
      for (const family of families) {
        expect(root.stdout).toMatch(new RegExp(`^ {2}${family.cli} `, "m"))
        const help = yield* gridscale([family.cli, "--help"])
        expect(help.code).toBe(0)
        const entry = find(family.cli)!
        const verbs = yield* Effect.promise(() => entry.load()).pipe(Effect.map((m) => m.verbs))
        for (const verb of family.verbs) {
          if (verb.name === "set-power") continue
          expect(help.stdout).toMatch(new RegExp(`^ {2}${verb.name} `, "m"))
          const built = verbs.find((v) => v.name === verb.name)!
          expect(() => built.make(`gridscale ${family.cli} ${verb.name}`)).not.toThrow()
          // The help of one verb of each kind (and of one under a parent) is enough to read.
          const kind = `${verb.method}:${family.parent !== undefined}`
          if (sampled.has(kind)) continue
          sampled.add(kind)
          const verbHelp = yield* gridscale([family.cli, verb.name, "--help"])
          expect({ family: family.cli, verb: verb.name, code: verbHelp.code }).toEqual({
            family: family.cli,
            verb: verb.name,
            code: 0
          })
          expect(verbHelp.stdout).toContain(`$ gridscale ${family.cli} ${verb.name}`)
        }
      }
    }).pipe(Effect.provide(simulatorLayer)))

  it.effect("docs/cli.md lists every command with its verbs", () =>
    Effect.gen(function*() {
      const docs = Fs.readFileSync(Path.resolve(import.meta.dirname, "../../../docs/cli.md"), "utf8")
      const rows = docs.split("\n").filter((line) => line.startsWith("| `"))
      for (const entry of entries) {
        const row = rows.find((r) => r.split("|")[1]!.includes(`\`${entry.cli}\``))
        expect(row, entry.cli).toBeDefined()
        const verbs = yield* Effect.promise(() => entry.load()).pipe(Effect.map((m) => m.verbs))
        const documented = [...row!.split("|")[2]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1])
        expect(documented, entry.cli).toEqual(verbs.map((v) => v.name))
      }
    }))
})
