/**
 * Checks a JSON value against a definition of the spec (`src/generated/definitions.ts`): the
 * simulator's request checks and reply conformance, and the conformance test's reply checks.
 *
 * Two modes. For a request, a `null` field counts as absent (the body parser drops them), a
 * required field must be there, and of a `oneOf` at least one member must fit (the API takes a
 * template storage's password and keys together). For a reply, `null` is allowed anywhere: the
 * API sends nulls where the spec says a value.
 */
import type { Node } from "../../generated/definitions.js"
import { definitions } from "../../generated/definitions.js"

/** `request`: checks of a request body; `reply`: checks of what the simulator (or the API) answers. */
export type Mode = "request" | "reply"

/** The definition a node names, or the node itself. */
export const resolve = (node: Node): Node => {
  let current = node
  // A ref may name a definition that is itself a ref (`StorageType`); a few hops at most.
  for (let hops = 0; current.ref !== undefined && hops < 8; hops++) current = definitions[current.ref] ?? {}
  return current
}

/** A definition by name; an unknown name is a bug in the tables, reported as such. */
export const definition = (name: string): Node => {
  const found = definitions[name]
  if (found === undefined) throw new Error(`No definition named ${name}`)
  return found
}

const typeOf = (value: unknown): string => value === null ? "null" : Array.isArray(value) ? "array" : typeof value

const describeType = (node: Node): string =>
  node.type === "integer"
    ? "an integer"
    : node.type === "array" || node.type === "object"
    ? `an ${node.type}`
    : `a ${node.type}`

const label = (path: string): string => (path === "" ? "The body" : `The field '${path}'`)

const join = (path: string, key: string | number): string =>
  typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key)

/** The first problem of `value` against `node` as a sentence, or `undefined` when it fits. */
export const check = (value: unknown, node: Node, mode: Mode, path = ""): string | undefined => {
  const schema = resolve(node)
  if (value === null) return mode === "reply" ? undefined : `${label(path)} must not be null.`
  const members = schema.oneOf ?? schema.anyOf
  if (members !== undefined) {
    let first: string | undefined
    for (const member of members) {
      const problem = check(value, member, mode, path)
      if (problem === undefined) return undefined
      first ??= problem
    }
    return first
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string | number)) {
    return `${label(path)} must be one of ${schema.enum.join(", ")}.`
  }
  switch (schema.type) {
    case "string": {
      if (typeof value !== "string") return `${label(path)} must be ${describeType(schema)}.`
      const length = schema.minLength !== undefined || schema.maxLength !== undefined ? [...value].length : 0
      if (schema.minLength !== undefined && length < schema.minLength) {
        return `${label(path)} must have at least ${schema.minLength} characters.`
      }
      if (schema.maxLength !== undefined && length > schema.maxLength) {
        return `${label(path)} must have at most ${schema.maxLength} characters.`
      }
      if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) {
        return `${label(path)} must be a date and time (ISO 8601).`
      }
      return undefined
    }
    case "integer":
    case "number": {
      const fits = schema.type === "integer"
        ? Number.isInteger(value)
        : typeof value === "number" && Number.isFinite(value)
      if (!fits) return `${label(path)} must be ${describeType(schema)}.`
      if (schema.minimum !== undefined && (value as number) < schema.minimum) {
        return `${label(path)} must be at least ${schema.minimum}.`
      }
      if (schema.maximum !== undefined && (value as number) > schema.maximum) {
        return `${label(path)} must be at most ${schema.maximum}.`
      }
      return undefined
    }
    case "boolean":
      return typeof value === "boolean" ? undefined : `${label(path)} must be a boolean.`
    case "array": {
      if (!Array.isArray(value)) return `${label(path)} must be an array.`
      if (schema.items === undefined) return undefined
      for (let i = 0; i < value.length; i++) {
        const problem = check(value[i], schema.items, mode, join(path, i))
        if (problem !== undefined) return problem
      }
      return undefined
    }
    default: {
      if (schema.type === undefined && schema.properties === undefined && schema.additionalProperties === undefined) {
        return undefined
      }
      if (typeOf(value) !== "object") return `${label(path)} must be an object.`
      const object = value as Record<string, unknown>
      for (const key of schema.required ?? []) {
        if (!hasOwn(object, key) || (mode === "request" && object[key] === null)) {
          return `${label(join(path, key))} is required.`
        }
      }
      for (const key of Object.keys(object)) {
        const property = schema.properties !== undefined && hasOwn(schema.properties, key)
          ? schema.properties[key]
          : schema.additionalProperties
        // Fields the spec does not know are kept by the API's tolerance: not checked.
        if (property === undefined) continue
        const problem = check(object[key], property, mode, join(path, key))
        if (problem !== undefined) return problem
      }
      return undefined
    }
  }
}

/** The property names of an object definition, in the spec's order. */
export const propertiesOf = (node: Node): ReadonlyArray<string> => Object.keys(resolve(node).properties ?? {})

/** The schema of one property of an object definition. */
export const propertyOf = (node: Node, key: string): Node | undefined => {
  const properties = resolve(node).properties
  return properties !== undefined && hasOwn(properties, key) ? properties[key] : undefined
}
