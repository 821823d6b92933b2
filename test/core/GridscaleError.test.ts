import { describe, expect, it } from "@effect/vitest"
import * as GridscaleError from "../../src/GridscaleError.js"

describe("GridscaleError", () => {
  it("withOutcomeUnknown marks the errors that carry the flag, and leaves the rest as they are", () => {
    const transport = new GridscaleError.TransportError({
      message: "reset",
      method: "GET",
      path: "/objects/servers/a",
      reason: "ConnectionReset",
      outcomeUnknown: false
    })
    const marked = GridscaleError.withOutcomeUnknown(transport)
    expect(marked).toBeInstanceOf(GridscaleError.TransportError)
    expect(marked).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", outcomeUnknown: true })
    expect(marked.message).toBe("reset")
    const notFound = new GridscaleError.ResourceNotFound({ message: "gone", status: 404, method: "GET", path: "/x" })
    expect(GridscaleError.withOutcomeUnknown(notFound)).toBe(notFound)
  })

  it("tells its own errors from others", () => {
    expect(GridscaleError.isGridscaleError(new GridscaleError.InvalidInput({ message: "m", field: "f" }))).toBe(true)
    expect(GridscaleError.isGridscaleError(new Error("x"))).toBe(false)
    expect(GridscaleError.isGridscaleError({ _tag: "Other" })).toBe(false)
  })
})
