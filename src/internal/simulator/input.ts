/** Checks of request bodies. A failed check throws a `Refusal`, which becomes an error reply. */
import { statusText } from "../httpStatus.js"

/** An error reply decided inside a handler: status and the API's `{title, description}`. */
export class Refusal {
  constructor(readonly status: number, readonly title: string, readonly description: string) {}
}

export const titles = statusText

export const refuse = (status: number, description: string): never => {
  throw new Refusal(status, titles[status] ?? "Error", description)
}

export type Body = Record<string, unknown>

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
  return withoutNulls(value as Body)
}

export const withoutNulls = (body: Body): Body => {
  const out: Body = {}
  for (const [key, value] of Object.entries(body)) if (value !== null && value !== undefined) out[key] = value
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
