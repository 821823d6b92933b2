/**
 * A loop to profile: `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts [servers] [iterations]`
 * lists `servers` servers `iterations` times through the full stack on undici.
 */
import * as Gridscale from "../src/Gridscale.js"
import { locationId } from "../src/GridscaleSimulator.js"
import { clientRuntime, startSimulator } from "./lib.js"

const servers = Number(process.argv[2] ?? "200")
const iterations = Number(process.argv[3] ?? "2000")

const sim = await startSimulator()
try {
  await sim.setBand(0, 0)
  const runtime = clientRuntime(sim.url, "undici")
  const gridscale = await runtime.runPromise(Gridscale.Gridscale)
  for (let i = 0; i < servers; i++) {
    await runtime.runPromise(
      gridscale.servers.create({ name: `p-${i}`, cores: 1, memory: 1, location_uuid: locationId })
    )
  }
  const t0 = performance.now()
  for (let i = 0; i < iterations; i++) await runtime.runPromise(gridscale.servers.list())
  console.log(`${iterations} lists of ${servers}: ${((performance.now() - t0) / iterations).toFixed(3)} ms each`)
  await runtime.dispose()
} finally {
  await sim.close()
}
process.exit(0)
