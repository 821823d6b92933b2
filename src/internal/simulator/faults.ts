import type { Random } from "./prng.js"
import type { FaultKind, FaultOptions, FaultRule, RequestMatch } from "./types.js"
import { allFaultKinds } from "./types.js"

/** A path without its trailing slash (the API ignores it). */
export const normalizePath = (path: string): string => {
  const trimmed = path.replace(/\/+$/, "")
  return trimmed === "" ? "/" : trimmed
}

export const matches = (match: RequestMatch, method: string, path: string): boolean => {
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false
  if (match.path === undefined) return true
  return typeof match.path === "string" ? normalizePath(match.path) === path : match.path.test(path)
}

interface ActiveRule {
  readonly rule: FaultRule
  seen: number
  hits: number
}

export interface Fault {
  readonly kind: FaultKind
  readonly delayMillis: number
}

/**
 * Decides which requests get a fault: rules first (in the order added), then the rate, drawn
 * from a generator of its own so that ids and job draws do not shift the fault sequence.
 */
export class FaultPlan {
  private rules: Array<ActiveRule>
  constructor(private readonly options: FaultOptions, private readonly random: Random) {
    this.rules = (options.rules ?? []).map((rule) => ({ rule, seen: 0, hits: 0 }))
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule, seen: 0, hits: 0 })
  }

  clear(): void {
    this.rules = []
  }

  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds ?? 1
  }

  decide(method: string, path: string): Fault | undefined {
    const ruled = this.fromRules(method, path)
    if (ruled !== undefined) return ruled
    const rate = this.options.rate ?? 0
    if (rate <= 0) return undefined
    if (this.random.next() >= rate) return undefined
    const kinds = this.options.kinds ?? allFaultKinds
    if (kinds.length === 0) return undefined
    const kind = kinds[Math.floor(this.random.next() * kinds.length)]!
    return { kind, delayMillis: this.options.slowMillis ?? 2000 }
  }

  private fromRules(method: string, path: string): Fault | undefined {
    for (const active of this.rules) {
      const { rule } = active
      if (!matches(rule, method, path)) continue
      active.seen++
      if (rule.nth !== undefined && active.seen !== rule.nth) continue
      if (rule.times !== undefined && active.hits >= rule.times) continue
      active.hits++
      return { kind: rule.kind, delayMillis: rule.delayMillis ?? this.options.slowMillis ?? 2000 }
    }
    return undefined
  }
}
