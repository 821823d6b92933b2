import { describe, expect, it } from "@effect/vitest"
import { plural, withArticle } from "../src/commands.js"
import { field, renderFields, renderTable } from "../src/output.js"

describe("output", () => {
  it("renderFields: plain fields aligned, nested values indented, lists one entry per block", () => {
    expect(renderFields({
      name: "web-1",
      power: true,
      labels: [],
      relations: { storages: [{ object_uuid: "s-1", bootdevice: true }], tags: ["a", "b"] },
      gone: null
    })).toBe([
      "name    web-1",
      "power   yes",
      "labels  -",
      "relations",
      "  storages",
      "    - object_uuid  s-1",
      "      bootdevice   yes",
      "  tags",
      "    - a",
      "    - b",
      "gone    -"
    ].join("\n"))
  })

  it("renderFields: the id and the name first, the rest as they came", () => {
    expect(renderFields({ status: "active", name: "n", cores: 2, object_uuid: "i-1" })).toBe(
      ["object_uuid  i-1", "name         n", "status       active", "cores        2"].join("\n")
    )
  })

  it("renderTable: with and without the heading line", () => {
    const columns = [field("object_uuid", "ID"), field("name")]
    const items = [{ object_uuid: "a-1", name: "long-name" }, { object_uuid: "b-22", name: "x" }]
    expect(renderTable(columns, items)).toBe("ID    NAME\na-1   long-name\nb-22  x")
    expect(renderTable(columns, items, { header: false })).toBe("a-1   long-name\nb-22  x")
  })

  it("words: the article and plural a noun takes", () => {
    expect(
      ["server", "IP address", "ISO image", "SSH key", "PaaS service", "object storage access key"].map(withArticle)
    )
      .toEqual([
        "a server",
        "an IP address",
        "an ISO image",
        "an SSH key",
        "a PaaS service",
        "an object storage access key"
      ])
    expect(["server", "IP address", "SSH key"].map(plural)).toEqual(["servers", "IP addresses", "SSH keys"])
  })
})
