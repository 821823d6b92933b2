/** Checks of request bodies. A failed check throws a `Refusal`, which becomes an error reply. */
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
  for (const key of Object.keys(value)) out[key] = asData((value as Body)[key], depth + 1)
  return out
}

/** Parses a JSON object body; a `null` field counts as absent, as the API treats it. */
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
  return withoutNulls(asData(value, 0) as Body)
}

/** The fields that are not `null`, in an object without a prototype. */
export const withoutNulls = (body: Body): Body => {
  const out = dict<unknown>()
  for (const key of Object.keys(body)) {
    const value = body[key]
    if (value !== null && value !== undefined) out[key] = value
  }
  return out
}

const missing = (key: string): never => refuse(400, `The field '${key}' is required.`)

export const name = (value: unknown, key = "name"): string => {
  if (typeof value !== "string") return refuse(400, `The field '${key}' must be a string.`)
  if (value.length === 0 || [...value].length > 64) {
    return refuse(400, `The field '${key}' must have 1 to 64 characters.`)
  }
  return value
}

export const requiredName = (body: Body, key = "name"): string =>
  body[key] === undefined ? missing(key) : name(body[key], key)

export const positiveInteger = (value: unknown, key: string): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    return refuse(400, `The field '${key}' must be a positive integer.`)
  }
  return value
}

export const capacity = (value: unknown, key = "capacity"): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 4096) {
    return refuse(400, `The field '${key}' must be an integer from 1 to 4096.`)
  }
  return value
}

export const required = <A>(body: Body, key: string, check: (value: unknown, key: string) => A): A =>
  body[key] === undefined ? missing(key) : check(body[key], key)

export const optional = <A>(body: Body, key: string, check: (value: unknown, key: string) => A): A | undefined =>
  body[key] === undefined ? undefined : check(body[key], key)

export const boolean = (value: unknown, key: string): boolean =>
  typeof value === "boolean" ? value : refuse(400, `The field '${key}' must be a boolean.`)

export const string = (value: unknown, key: string): string =>
  typeof value === "string" ? value : refuse(400, `The field '${key}' must be a string.`)

export const labels = (value: unknown, key = "labels"): Array<string> =>
  Array.isArray(value) && value.every((v) => typeof v === "string")
    ? [...value]
    : refuse(400, `The field '${key}' must be a list of strings.`)

export const oneOf = <A extends string | number>(choices: ReadonlyArray<A>) => (value: unknown, key: string): A =>
  choices.includes(value as A)
    ? value as A
    : refuse(400, `The field '${key}' must be one of ${choices.join(", ")}.`)

export const object = (value: unknown, key: string): Body =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? withoutNulls(value as Body)
    : refuse(400, `The field '${key}' must be an object.`)

export const stringList = (value: unknown, key: string): Array<string> => labels(value, key)

/** `auto_recovery` is a boolean in replies; the spec types it as a string in requests. */
export const flag = (value: unknown, key: string): boolean => {
  if (typeof value === "boolean") return value
  if (value === "true" || value === "false") return value === "true"
  return refuse(400, `The field '${key}' must be a boolean.`)
}

export const positiveOrZero = (value: unknown, key: string): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    return refuse(400, `The field '${key}' must be a non-negative integer.`)
  }
  return value
}
