import { describe, expect, it } from "@effect/vitest"
import { definitions } from "../../src/generated/definitions.js"
import { operations, operationsById } from "../../src/generated/operations.js"
import { families, familyByKey, operationNames } from "../../src/internal/families.js"

describe("family descriptors", () => {
  it("the spec has 148 operations and the overlay names each exactly once", () => {
    expect(operations).toHaveLength(148)
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(148)
    expect(Object.keys(operationNames).sort()).toEqual(operations.map((o) => o.operationId).sort())
    const names = Object.values(operationNames).map((n) => n.name)
    expect(new Set(names).size).toBe(names.length)
  })

  it("names read as the driver reaches them", () => {
    expect(operationNames["getServers"]).toEqual({ family: "servers", name: "servers.list", method: "list" })
    expect(operationNames["updateServerPower"]?.name).toBe("servers.power.update")
    expect(operationNames["ServerPowerShutdown"]?.name).toBe("servers.shutdown")
    expect(operationNames["StorageRollback"]?.name).toBe("storages.snapshots.rollback")
    expect(operationNames["renewPaasServiceCredentials"]?.name).toBe("paas.services.renewCredentials")
    expect(operationNames["GetLabel"]?.name).toBe("labels.get")
    expect(operationNames["getDeletedServers"]?.name).toBe("deleted.servers.list")
    expect(operationNames["linkStorageToServer"]?.name).toBe("servers.storages.attach")
  })

  it("every family's operations live under its path, and its definitions exist", () => {
    for (const family of families) {
      for (const [method, operationId] of Object.entries(family.operations)) {
        const operation = operationsById[operationId]!
        expect(operation, operationId).toBeDefined()
        if (method !== "listByLocation") expect(operation.path.startsWith(family.path), operationId).toBe(true)
        if (family.idParam !== undefined && operation.path.startsWith(`${family.path}/{`)) {
          expect(operation.pathParams, operationId).toContain(family.idParam)
        }
      }
      for (const name of [family.item, family.listItem, family.create, family.update]) {
        if (name !== undefined) expect(definitions[name], `${family.key}: ${name}`).toBeDefined()
      }
      if (family.parent !== undefined) {
        expect(familyByKey[family.parent.family], family.key).toBeDefined()
        expect(family.path).toContain(`{${family.parent.param}}`)
      }
      if (family.deletedOf !== undefined) expect(familyByKey[family.deletedOf], family.key).toBeDefined()
    }
  })

  it("envelope keys match the reply definitions of list and get", () => {
    for (const family of families) {
      const list = family.operations["list"]
      if (list !== undefined) {
        const response = definitions[operationsById[list]!.response!]!
        expect(Object.keys(response.properties ?? {}), family.key).toEqual([family.plural])
        const entries = response.properties![family.plural]!
        const shape = entries.ref !== undefined ? definitions[entries.ref]! : entries
        expect(shape.type, family.key).toBe(family.list === "array" ? "array" : "object")
      }
      const get = family.operations["get"]
      if (get !== undefined && family.singular !== undefined) {
        const response = definitions[operationsById[get]!.response!]!
        expect(response.properties?.[family.singular]?.ref, family.key).toBe(family.item)
      }
    }
  })

  it("applies the overlay's corrections", () => {
    expect(definitions["SshkeyCreate"]?.required).toEqual(["name", "sshkey"])
    expect(definitions["LinkedNetwork"]?.properties?.["ordering"]?.anyOf?.map((n) => n.type)).toEqual([
      "integer",
      "string"
    ])
    expect(definitions["StorageCreate"]?.properties?.["capacity"]).toMatchObject({ minimum: 1, maximum: 4096 })
    expect(definitions["ServerCreate"]?.properties?.["name"]?.maxLength).toBe(64)
    expect(operationsById["getLocationSnapshots"]?.response).toBe("SnapshotsGetResponse")
  })
})
