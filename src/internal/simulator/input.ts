/** Reading request bodies. A failed check throws a `Refusal`, which becomes an error reply. */
import { statusText } from "../httpStatus.js"

/** An error reply decided inside a handler: status and the API's `{title, description}`. */
export class Refusal {
  constructor(readonly status: number, readonly title: string, readonly description: string) {}
}

/** The shared reason phrases, plus the one only the simulator sends (a body over its limit). */
export const titles: Readonly<Record<number, string>> = { ...statusText, 413: "Payload Too Large" }

export const refuse = (status: number, description: string): never => {
  throw new Refusal(status, titles[status] ?? "Error", description)
}

export type Body = Record<string, unknown>

/**
 * An object without a prototype: a key such as `__proto__` or `constructor` is an own data
 * property like any other and can never change what a lookup finds.
 */
export const dict = <A>(): Record<string, A> => Object.create(null) as Record<string, A>

/** Bodies nested deeper than this are refused: no request body of the API comes close. */
const maxDepth = 32

/**
 * A parsed JSON value rebuilt from objects without a prototype. `JSON.parse` keeps a
 * `"__proto__"` key as an own property, but copying it into a plain object with `obj[key] = v`
 * would replace that object's prototype; here every key stays data.
 */
const asData = (value: unknown, depth: number): unknown => {
  if (typeof value !== "object" || value === null) return value
  if (depth > maxDepth) return refuse(400, `The request body is nested deeper than ${maxDepth} levels.`)
  if (Array.isArray(value)) return value.map((item) => asData(item, depth + 1))
  const out = dict<unknown>()
  for (const key of Object.keys(value)) {
    // A `null` field counts as absent, as the API treats it (Libcloud sends `"sshkeys": null`).
    const field = (value as Body)[key]
    if (field !== null) out[key] = asData(field, depth + 1)
  }
  return out
}

/** Parses a JSON object body into objects without a prototype; `null` fields count as absent. */
export const parseBody = (text: string): Body => {
  if (text.trim() === "") return refuse(400, "The request body must be a JSON object.")
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return refuse(400, "The request body is not valid JSON.")
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return refuse(400, "The request body must be a JSON object.")
  }
  return asData(value, 0) as Body
}
