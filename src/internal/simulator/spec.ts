/**
 * The simulator's view of the descriptors: its route table is the generated operations
 * (`src/generated/operations.ts`), each tied to its family and method name by the overlay
 * (`src/internal/families.ts`). Nothing here lists a path or an envelope key by hand.
 */
import type { Operation } from "../../generated/operations.js"
import { operations } from "../../generated/operations.js"
import type { Family } from "../families.js"
import { families, familyByKey, operationNames } from "../families.js"

export type { Family, Operation }

/** One operation as the simulator serves it. */
export interface Served {
  readonly operation: Operation
  readonly family: Family
  /** The method within its family: `list`, `create`, `power.update`, `attach`. */
  readonly name: string
}

interface Route {
  /** Literal segments, or `undefined` where the path has a parameter. */
  readonly segments: ReadonlyArray<string | undefined>
  /** How many segments are literal: a literal match wins over a parameter (`storages/import`). */
  readonly literals: number
  readonly methods: Readonly<Record<string, Served>>
}

const served = (operation: Operation): Served => {
  const named = operationNames[operation.operationId]
  if (named === undefined) throw new Error(`The overlay names no family for ${operation.operationId}`)
  return { operation, family: familyByKey[named.family]!, name: named.method }
}

const buildRoutes = (): ReadonlyArray<Route> => {
  const byPath = new Map<string, Record<string, Served>>()
  for (const operation of operations) {
    const methods = byPath.get(operation.path) ?? {}
    methods[operation.method] = served(operation)
    byPath.set(operation.path, methods)
  }
  return [...byPath].map(([path, methods]) => {
    const segments = path.split("/").filter((s) => s.length > 0).map((s) => (s.startsWith("{") ? undefined : s))
    return { segments, literals: segments.filter((s) => s !== undefined).length, methods }
  })
}

/** Every path of the spec with the operations it has, built once from the descriptors. */
export const routes: ReadonlyArray<Route> = buildRoutes()

/** The route of a path and its parameters (percent-decoded), or `undefined` when none fits. */
export const match = (
  segments: ReadonlyArray<string>
): { readonly methods: Readonly<Record<string, Served>>; readonly params: ReadonlyArray<string> } | undefined => {
  let best: Route | undefined
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue
    if (best !== undefined && best.literals >= route.literals) continue
    if (route.segments.every((s, i) => s === undefined || s === segments[i])) best = route
  }
  if (best === undefined) return undefined
  const params: Array<string> = []
  best.segments.forEach((s, i) => {
    if (s === undefined) params.push(segments[i]!)
  })
  return { methods: best.methods, params }
}

/**
 * The families whose objects a client makes or removes, as `snapshot()` shows them: those with
 * objects of their own (a get, create or delete), not the relations, lists, labels or requests.
 */
export const storedFamilies: ReadonlyArray<Family> = families.filter((f) =>
  f.deletedOf === undefined && f.parent?.family !== "servers" && f.key !== "requests" && f.key !== "labels" &&
  (f.operations.get !== undefined || f.operations.create !== undefined || f.operations.delete !== undefined)
)

/** The key a family's objects go by in counters, snapshots and job durations: its list key (`storages`). */
export const counterKey = (family: Family): string => family.plural

/** The object family a server relation links: `servers.isoImages` -> `isoImages`. */
export const objectFamilyOfRelation = (relation: Family): string => relation.key.slice("servers.".length)
