/** A small seeded generator (mulberry32): the same seed gives the same sequence. */
export interface Random {
  /** A number in [0, 1). */
  readonly next: () => number
}

export const makeRandom = (seed: number): Random => {
  let state = seed >>> 0
  return {
    next: () => {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
}

const hex = (random: Random, digits: number): string => {
  let out = ""
  for (let i = 0; i < digits; i++) out += Math.floor(random.next() * 16).toString(16)
  return out
}

/** A version 4 UUID drawn from `random`. */
export const uuid = (random: Random): string => {
  const variant = (8 + Math.floor(random.next() * 4)).toString(16)
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${variant}${hex(random, 3)}-${hex(random, 12)}`
}

/** A locally administered MAC address, as the API hands out for network interfaces. */
export const mac = (random: Random): string => {
  const bytes = ["16"]
  for (let i = 0; i < 5; i++) bytes.push(hex(random, 2))
  return bytes.join(":")
}
