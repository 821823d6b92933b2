/**
 * The client's own CPU cost per call, with no network (see `canned.ts`):
 * `npx tsx bench/cpu.ts [http|conn|list] [iterations]`; profile with
 * `node --cpu-prof --import tsx bench/cpu.ts conn 40000`. The cases run in turns, in blocks of 500
 * calls, and each is reported as the median of its blocks.
 */
import { cannedCalls } from "./canned.js"

const { calls, runtime } = await cannedCalls()
const only = process.argv[2]
const names = Object.keys(calls).filter((name) => !only || name === only)
const blocks = Math.max(1, Math.round(Number(process.argv[3] ?? "20000") / 500))
const perBlock: Record<string, Array<number>> = {}
for (let block = -4; block < blocks; block++) {
  for (const name of names) {
    const t0 = performance.now()
    for (let i = 0; i < 500; i++) await runtime.runPromise(calls[name])
    // The first blocks warm the JIT up and are not counted.
    if (block >= 0) (perBlock[name] ??= []).push((performance.now() - t0) / 500 * 1000)
  }
}
for (const name of names) {
  const sorted = perBlock[name].sort((a, b) => a - b)
  console.log(name.padEnd(6), sorted[sorted.length >> 1].toFixed(1), "µs")
}
await runtime.dispose()
process.exit(0)
