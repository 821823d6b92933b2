/**
 * How many effect operations one call runs, and which: `npx tsx bench/ops.ts [http|conn|list]`.
 * Counts with a `Supervisor` under the `OpSupervision` runtime flag, with no network (see
 * `canned.ts`). Each operation costs time and allocations (the fiber
 * runtime allocates per operation), so this is the number to bring down on the request path.
 */
import * as Effect from "effect/Effect"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as RuntimeFlagsPatch from "effect/RuntimeFlagsPatch"
import * as Supervisor from "effect/Supervisor"
import { cannedCalls } from "./canned.js"

const { calls, runtime } = await cannedCalls()

const counts = new Map<string, number>()
let total = 0
class Counter extends Supervisor.AbstractSupervisor<void> {
  readonly value = Effect.void
  override onEffect(_fiber: unknown, effect: unknown) {
    total += 1
    const op = effect as { _op: string; effect_instruction_i0?: unknown; effect_instruction_i1?: unknown }
    const f = op.effect_instruction_i1 ?? op.effect_instruction_i0
    const key = `${op._op} ${typeof f === "function" ? f.toString().replace(/\s+/g, " ").slice(0, 80) : ""}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
}

const which = process.argv[2] ?? "list"
const n = 100
await runtime.runPromise(
  Effect.supervised(Effect.forEach(Array.from({ length: n }), () => calls[which], { discard: true }), new Counter())
    .pipe(
      Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))
    )
)
console.log(`${which}: ${total / n} operations per call (the loop's own included)`)
for (const [key, count] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(String(count / n).padStart(6), key)
}
await runtime.dispose()
process.exit(0)
