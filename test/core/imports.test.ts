/**
 * The modules import one another one way only (config → connection → poller → driver): any module
 * can be the first a program imports, because no import cycle exists to bite.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const src = fileURLToPath(new URL("../../src", import.meta.url))

const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? sources(full) : name.endsWith(".ts") ? [full] : []
  })

/** Every relative module a file imports or re-exports, types included. */
const importsOf = (file: string): Array<string> => {
  const text = readFileSync(file, "utf8")
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s+"(\.{1,2}\/[^"]+)"/g)]
  return found.map((m) => path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, ".ts")))
}

/** A cycle in the import graph, as the files around it, or undefined. */
const findCycle = (graph: ReadonlyMap<string, ReadonlyArray<string>>): Array<string> | undefined => {
  const state = new Map<string, "open" | "done">()
  const stack: Array<string> = []
  const visit = (node: string): Array<string> | undefined => {
    if (state.get(node) === "done") return undefined
    if (state.get(node) === "open") return [...stack.slice(stack.indexOf(node)), node]
    state.set(node, "open")
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    stack.pop()
    state.set(node, "done")
    return undefined
  }
  for (const node of graph.keys()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

describe("modules", () => {
  it("no module imports, even for types, a module that imports it back", () => {
    const files = sources(src)
    const graph = new Map(files.map((file) => [file, importsOf(file)]))
    expect(files.length).toBeGreaterThan(15)
    const cycle = findCycle(graph)
    expect(cycle?.map((file) => path.relative(src, file))).toBeUndefined()
  })

  it("finds a cycle when there is one", () => {
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]]))).toEqual(["a", "b", "c", "a"])
  })
})
