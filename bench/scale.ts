/**
 * Figure 3 of `npm run bench`, in its own process so its resident set size is the client's alone:
 * `singles` creates one after another, then `count` concurrent `storages.create` through one layer,
 * on the default configuration (the rate budget as users get it). Sends its result to the parent
 * over IPC. Arguments: the simulator's URL, count, singles.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { writeHeapSnapshot } from "node:v8"
import * as Gridscale from "../src/Gridscale.js"
import { locationId } from "../src/GridscaleSimulator.js"
import { clientRuntime, summarize } from "./lib.js"

const [url, countText = "1000", singlesText = "20"] = process.argv.slice(2)
const count = Number(countText)
const singles = Number(singlesText)

let peakRss = 0
let peakHeap = 0
let peakExternal = 0
const sampleRss = () => {
  const usage = process.memoryUsage()
  peakRss = Math.max(peakRss, usage.rss)
  peakHeap = Math.max(peakHeap, usage.heapUsed)
  peakExternal = Math.max(peakExternal, usage.external)
}

const main = async () => {
  const runtime = clientRuntime(url, "undici", { defaultRate: true })
  const gridscale = await runtime.runPromise(Gridscale.Gridscale)
  const create = (name: string) =>
    Effect.timed(gridscale.storages.create({ name, capacity: 10, location_uuid: locationId }))

  const single: Array<number> = []
  for (let i = 0; i < singles; i++) {
    const [elapsed] = await runtime.runPromise(create(`single-${i}`))
    single.push(Duration.toMillis(elapsed))
  }

  const baseRss = process.memoryUsage().rss
  peakRss = baseRss
  const sampler = setInterval(sampleRss, 10)
  // BENCH_HEAP_SNAPSHOT=<file>: a heap snapshot (live objects only) 1.5 s into the concurrent run.
  const snapshotTo = process.env.BENCH_HEAP_SNAPSHOT
  if (snapshotTo) setTimeout(() => console.log("heap snapshot:", writeHeapSnapshot(snapshotTo)), 1500)
  const t0 = performance.now()
  const results = await runtime.runPromise(
    Effect.forEach(
      Array.from({ length: count }, (_, i) => i),
      (i) => Effect.either(create(`scale-${i}`)),
      { concurrency: "unbounded" }
    )
  )
  const wallMs = performance.now() - t0
  clearInterval(sampler)
  sampleRss()
  await runtime.dispose()

  const errors = results.flatMap((r) => (r._tag === "Left" ? [`${r.left._tag}: ${r.left.message}`] : []))
  const created = results.flatMap((
    r,
    i
  ) => (r._tag === "Right" && r.right[1].name === `scale-${i}` ? [r.right[1]] : []))
  const latency = results.flatMap((r) => (r._tag === "Right" ? [Duration.toMillis(r.right[0])] : []))
  process.send?.({
    single: summarize(single),
    wallMs,
    created: created.length,
    distinct: new Set(created.map((s) => s.object_uuid)).size,
    errors: errors.length,
    errorSample: errors.slice(0, 5),
    latency: summarize(latency),
    peakRssMb: peakRss / 1024 / 1024,
    peakHeapUsedMb: peakHeap / 1024 / 1024,
    peakExternalMb: peakExternal / 1024 / 1024,
    baseRssMb: baseRss / 1024 / 1024
  })
}

main().then(
  () => setTimeout(() => process.exit(0), 100),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
