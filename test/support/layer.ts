/**
 * `layer` of `@effect/vitest`, without its side effect on every later test.
 *
 * `@effect/vitest` 0.30's `layer(...)("name", (it) => ...)` gives the block its methods by
 * assigning them onto vitest's one shared `it` object (`Object.assign(V.it, { effect, scoped, ... })`)
 * and never puts the old ones back. So every `it.effect` registered after the block ran in the
 * block's runtime: the later `describe` blocks of the same file, and, when test files share a
 * worker's module graph (`isolate: false`), every file that worker runs next. Those tests all got
 * the block's one `TestClock` (each saw the time the tests before it had moved it to) and the
 * block's services. This wrapper puts the methods back once the block has registered its tests;
 * the tests it registered keep the block's runtime.
 */
import { it, layer as blockOf } from "@effect/vitest"
import type { Vitest } from "@effect/vitest"
import type * as Layer from "effect/Layer"

/** The methods `@effect/vitest`'s `layer` assigns onto vitest's `it`. */
const assigned = ["effect", "scoped", "prop", "flakyTest", "layer"] as const

/**
 * A block of tests sharing one build of `self`, as `layer(self)(name, f)` of `@effect/vitest`.
 * Not for nesting: a `layer` called inside `f` assigns its methods again, after this one restored
 * them.
 */
export const layer = <R, E>(self: Layer.Layer<R, E>) =>
(
  name: string,
  f: (it: Vitest.MethodsNonLive<R>) => void
): void => {
  const shared = it as unknown as Record<string, unknown>
  const saved = assigned.map((key) => [key, shared[key]] as const)
  blockOf(self)(name, (blockIt) => {
    try {
      f(blockIt)
    } finally {
      for (const [key, method] of saved) shared[key] = method
    }
  })
}
