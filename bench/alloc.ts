/**
 * How many bytes one call allocates, with no network (see `canned.ts`):
 * `npx tsx bench/alloc.ts [http|conn|list]`. After a warm-up, 30 times: a full garbage collection,
 * 20 calls, and the growth of the heap divided by 20 (20 calls fit in the young generation, so
 * nothing is collected in between); the median is printed. Garbage is CPU spent later, in the
 * collector: with the operations of `ops.ts`, this is the number to bring down on the request path.
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { cannedCalls } from "./canned.js"

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

const { calls, runtime } = await cannedCalls()
const which = process.argv[2] ?? "list"
const call = calls[which]
for (let i = 0; i < 2_000; i++) await runtime.runPromise(call)
const perCall: Array<number> = []
for (let sample = 0; sample < 30; sample++) {
  gc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < 20; i++) await runtime.runPromise(call)
  perCall.push((process.memoryUsage().heapUsed - before) / 20)
}
perCall.sort((a, b) => a - b)
console.log(`${which}: ${Math.round(perCall[15]! / 1024)} KiB allocated per call (median of 30 samples of 20 calls)`)
await runtime.dispose()
process.exit(0)
