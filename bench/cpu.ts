/**
 * The client's own CPU cost per call, with no network (see `canned.ts`):
 * `npx tsx bench/cpu.ts [http|conn|list|create] [iterations]`; profile with
 * `node --cpu-prof --import tsx bench/cpu.ts conn 40000`. The cases run in turns, in blocks of 500
 * calls, and each is reported as the median of its blocks: the process's CPU time per call, and
 * the wall time (a create's also holds its waits between polls).
 */
import { cannedCalls } from "./canned.js"

const { calls, runtime } = await cannedCalls()
const only = process.argv[2]
const names = Object.keys(calls).filter((name) => !only || name === only)
const blocks = Math.max(1, Math.round(Number(process.argv[3] ?? "20000") / 500))
const wall: Record<string, Array<number>> = {}
const cpu: Record<string, Array<number>> = {}
for (let block = -4; block < blocks; block++) {
  for (const name of names) {
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    for (let i = 0; i < 500; i++) await runtime.runPromise(calls[name])
    const used = process.cpuUsage(cpu0)
    // The first blocks warm the JIT up and are not counted.
    if (block >= 0) {
      ;(wall[name] ??= []).push((performance.now() - t0) / 500 * 1000)
      ;(cpu[name] ??= []).push((used.user + used.system) / 500)
    }
  }
}
const median = (values: Array<number>) => values.sort((a, b) => a - b)[values.length >> 1]!.toFixed(1)
for (const name of names) console.log(name.padEnd(6), median(cpu[name]!), "µs CPU,", median(wall[name]!), "µs wall")
await runtime.dispose()
process.exit(0)
