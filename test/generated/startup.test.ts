/**
 * What importing the root entry costs: the simulator's machinery and the spec's definitions are
 * loaded only when a simulator is made, and the generated schemas are built only when used.
 * (The import time itself is measured by `npm run bench`; these checks keep the causes away.)
 */
import { describe, expect, it } from "@effect/vitest"
import type * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Schemas from "../../src/generated/schemas.js"

const src = fileURLToPath(new URL("../../src", import.meta.url))

/**
 * The modules a file loads when it is evaluated: its `import` and `export ... from` statements,
 * without those the compiler erases (`import type`, or braces holding only `type` names).
 * A dynamic `import()` loads nothing until it runs, so it is no edge here.
 */
const staticImportsOf = (file: string): Array<string> => {
  const text = readFileSync(file, "utf8")
  const statements = text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?\s*([^"'`;]*?)\s*from\s+"(\.{1,2}\/[^"]+)"/g)
  const edges: Array<string> = []
  for (const [, , typeOnly, clause, specifier] of statements) {
    if (typeOnly !== undefined) continue
    const braces = /^\{([^}]*)\}$/.exec(clause!.trim())
    const names = braces?.[1]!.split(",").map((s) => s.trim()).filter((s) => s.length > 0)
    if (names !== undefined && names.length > 0 && names.every((name) => name.startsWith("type "))) continue
    edges.push(path.resolve(path.dirname(file), specifier!.replace(/\.js$/, ".ts")))
  }
  return edges
}

const loadedBy = (entry: string): Set<string> => {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    staticImportsOf(file).forEach(visit)
  }
  visit(path.join(src, entry))
  return new Set([...seen].map((file) => path.relative(src, file).split(path.sep).join("/")))
}

describe("importing the root entry", () => {
  it("loads the simulator's catalogue only, not its machinery or the spec's definitions", () => {
    const loaded = loadedBy("index.ts")
    // The walk reaches the modules the root entry re-exports...
    expect(loaded).toContain("GridscaleSimulator.ts")
    expect(loaded).toContain("Gridscale.ts")
    expect(loaded).toContain("generated/schemas.ts")
    // ...and none of what a simulator needs only once it is made.
    const simulatorModules = [...loaded].filter((file) => file.startsWith("internal/simulator/"))
    expect(simulatorModules).toEqual(["internal/simulator/catalogue.ts"])
    expect(loaded).not.toContain("generated/definitions.ts")
  })

  it("the walk follows static imports and not dynamic ones", () => {
    // The loopback server's entry imports the machinery statically: the walk must see it there.
    expect(loadedBy("GridscaleSimulatorServer.ts")).toContain("generated/definitions.ts")
    expect(readFileSync(path.join(src, "GridscaleSimulator.ts"), "utf8")).toContain(
      "import(\"./internal/simulator/core.js\")"
    )
  })
})

describe("the generated schemas", () => {
  const all: ReadonlyArray<[string, Schema.Schema<any, any>]> = [
    ...Object.entries(Schemas.models),
    ...Object.entries(Schemas.replies),
    ...Object.entries(Schemas.bodies)
  ]

  it("are suspensions, built on first use: importing them builds none", () => {
    expect(all.length).toBeGreaterThan(150)
    const built = all.filter(([, schema]) => schema.ast._tag !== "Suspend").map(([name]) => name)
    expect(built).toEqual([])
  })
})
