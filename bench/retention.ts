/**
 * Why a call of the client costs so much garbage collection: `npx tsx bench/retention.ts`.
 *
 * With no network and nothing of this client, it runs 500 tiny programs as fibers of their own,
 * each making a 5 KiB object and returning it, drops every result, lets three young-generation
 * collections run, and prints what is still on the heap per program (the median of 4 repeats):
 *
 * - `sync`: the program ends without waiting;
 * - `async`: the program waits once (`Effect.async`, resumed from `setImmediate`), as every
 *   request waits for its socket;
 * - `forked`: the program forks that wait and waits for the fork, as the client's per-attempt
 *   timeout does, and returns a small value.
 *
 * On effect 3.22.4 the last two keep their fibers, and what those hold, alive until a full
 * collection; in the client, what a request's fibers hold is then copied and promoted instead of
 * dying young. A full collection (the second figure printed) frees it all: nothing leaks, it only
 * costs time.
 */
import * as Effect from "effect/Effect"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as (options?: { readonly type: "minor" | "major" }) => void

const payload = () => ({ items: Array.from({ length: 128 }, (_, i) => ({ i })) })
const waitOnce = Effect.async<unknown>((resume) => {
  const value = payload()
  setImmediate(() => resume(Effect.succeed(value)))
})
const programs: Record<string, Effect.Effect<unknown>> = {
  sync: Effect.sync(payload),
  async: waitOnce,
  forked: Effect.map(Effect.flatMap(Effect.fork(waitOnce), (fiber) => fiber.await), () => 1)
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 2))
const runOnce = (program: Effect.Effect<unknown>) =>
  new Promise<void>((resolve) => Effect.runFork(program).addObserver(() => setImmediate(resolve)))

const heap = () => process.memoryUsage().heapUsed
const median = (values: Array<number>) => values.sort((a, b) => a - b)[values.length >> 1]!

for (const [name, program] of Object.entries(programs)) {
  for (let i = 0; i < 2_000; i++) await runOnce(program)
  const young: Array<number> = []
  const full: Array<number> = []
  for (let repeat = 0; repeat < 4; repeat++) {
    gc()
    await tick()
    const before = heap()
    for (let i = 0; i < 500; i++) await runOnce(program)
    await tick()
    for (let i = 0; i < 3; i++) {
      gc({ type: "minor" })
      await tick()
    }
    young.push((heap() - before) / 500 / 1024)
    gc()
    await tick()
    full.push((heap() - before) / 500 / 1024)
  }
  console.log(
    `${name.padEnd(7)} ${median(young).toFixed(1)} KiB per program left after 3 young collections,`,
    `${median(full).toFixed(1)} KiB after a full one`
  )
}
