import * as Effect from "effect/Effect"
import { InvalidInput } from "../GridscaleError.js"

/** Ids go into URL paths: letters, digits and `-`, 1 to 64 characters. */
export const safeSegment = /^[A-Za-z0-9-]{1,64}$/

const controlCharacter = /[\u0000-\u001f\u007f]/

/** Whether a string can go into an HTTP header as it is. */
export const isHeaderSafe = (value: string): boolean => !controlCharacter.test(value)

/** Shows a caller's value in a message without letting it forge lines or grow the message. */
export const describe = (value: unknown): string => {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** Checks that `value` is safe as one path segment. */
export const checkId = (field: string, value: unknown): Effect.Effect<string, InvalidInput> =>
  typeof value === "string" && safeSegment.test(value)
    ? Effect.succeed(value)
    : Effect.fail(
      new InvalidInput({
        field,
        message: `${field} must be 1 to 64 letters, digits or '-' (it goes into a URL path), got ${describe(value)}`
      })
    )
