import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { existsSync } from "node:fs"
import { operationsById } from "../../src/generated/operations.js"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscalePolling from "../../src/GridscalePolling.js"
import * as Families from "../../src/internal/families.js"
import * as S from "../../src/internal/schema.js"
import * as Ip from "../../src/Ip.js"
import * as IsoImage from "../../src/IsoImage.js"
import * as Location from "../../src/Location.js"
import * as Network from "../../src/Network.js"
import * as Server from "../../src/Server.js"
import * as Snapshot from "../../src/Snapshot.js"
import * as SshKey from "../../src/SshKey.js"
import * as Storage from "../../src/Storage.js"
import * as Template from "../../src/Template.js"
import { example, fixture, replaying } from "./support.js"

const keysOf = (reply: unknown, key: string) => Object.keys((reply as Record<string, Record<string, unknown>>)[key]!)

describe("recorded real replies decode through the driver's operations", () => {
  const replies = {
    "/objects/servers": fixture("list_nodes.json"),
    "/objects/storages": fixture("list_volumes.json"),
    "/objects/locations": fixture("list_locations.json"),
    "/objects/templates": fixture("list_images.json"),
    "/objects/sshkeys": fixture("list_key_pairs.json"),
    "/objects/ips": fixture("ex_list_ips.json"),
    "/objects/networks": fixture("ex_list_networks.json"),
    "/objects/storages/e66bb753-4a03-4ee2-a069-a601f393c9ee/snapshots": fixture("list_volume_snapshots.json"),
    "/objects/locations/45ed677b-3702-4b36-be2a-a2eab9827950/storages": fixture("list_volumes_empty.json")
  }
  const layer = replaying(replies)

  it.effect("servers, with their relations, nulls and timestamps as DateTime.Utc", () =>
    Effect.gen(function*() {
      const servers = yield* Gridscale.use((g) => g.servers.list())
      expect(servers.map((s) => s.object_uuid)).toEqual(keysOf(replies["/objects/servers"], "servers"))
      const [server] = servers
      expect(server!.availability_zone).toBeNull()
      expect(server!.current_price).toBe(17.89645)
      expect(DateTime.isDateTime(server!.create_time)).toBe(true)
      expect(DateTime.formatIso(server!.create_time!)).toBe("2019-06-07T12:56:44.000Z")
      expect(server!.relations?.public_ips?.map((ip) => ip.family)).toEqual([4, 6])
      expect(server!.relations?.storages?.[0]?.license_product_no).toBeNull()
      // Fields the schema does not name (mcast, vlan, vxlan) still reach the caller.
      expect(server!.relations?.networks?.[0]).toMatchObject({ mcast: null, vlan: null, vxlan: null })
    }).pipe(Effect.provide(layer)))

  it.effect("every other recorded list, in the order the reply listed it", () =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const lists = {
        storages: yield* g.storages.list(),
        locations: yield* g.locations.list(),
        templates: yield* g.templates.list(),
        sshkeys: yield* g.sshKeys.list(),
        ips: yield* g.ips.list(),
        networks: yield* g.networks.list()
      }
      for (const [key, list] of Object.entries(lists)) {
        expect(list.map((o) => o.object_uuid), key).toEqual(
          Object.values((replies[`/objects/${key}` as keyof typeof replies] as any)[key]).map((o: any) => o.object_uuid)
        )
      }
      // Ids cut short are taken as they are.
      expect(lists.networks[0]!.object_uuid).toBe("1196529b-a8de-417f")
      expect(lists.templates.some((t) => t.ostype === null)).toBe(true)
      const snapshots = yield* g.snapshots.list("e66bb753-4a03-4ee2-a069-a601f393c9ee")
      expect(snapshots.map((s) => s.name)).toEqual(["linux Snapshot"])
      expect(yield* g.storages.listByLocation("45ed677b-3702-4b36-be2a-a2eab9827950")).toEqual([])
    }).pipe(Effect.provide(layer)))

  it("create replies and the request status decode", () => {
    for (const name of ["create_node.json", "create_volume.json", "create_ip.json"]) {
      const reply = Schema.decodeUnknownSync(Gridscale.CreateResponse)(fixture(name))
      expect(reply.object_uuid).toBe("690de890-13c0-4e76-8a01-e10ba8786e53")
      expect(reply.request_uuid).toBe("x123xx1x-123x-1x12-123x-123xxx123x1x")
    }
    const status = Schema.decodeUnknownSync(GridscalePolling.RequestStatusReply)(
      fixture("create_node_response_dict.json")
    )
    expect(status["x123xx1x-123x-1x12-123x-123xxx123x1x"]?.status).toBe("done")
  })
})

describe("the spec's example payloads decode", () => {
  const objects: ReadonlyArray<readonly [string, Schema.Schema<any, any, never>]> = [
    ["Server", Server.Server],
    ["Storage", Storage.Storage],
    ["Snapshot", Snapshot.Snapshot],
    ["Ip", Ip.Ip],
    ["Network", Network.Network],
    ["Sshkey", SshKey.SshKey],
    ["Template", Template.Template],
    ["Location", Location.Location],
    ["Isoimage", IsoImage.IsoImage],
    ["CreateResponse", Gridscale.CreateResponse],
    ["ServerCreateResponse", Server.ServerCreateResponse],
    ["IpCreateResponse", Ip.IpCreateResponse]
  ]
  it.each(objects)("%s", (definition, schema) => {
    const decoded = Schema.decodeUnknownSync(schema)(example(definition))
    expect(decoded.object_uuid).toBe((example(definition) as { object_uuid: string }).object_uuid)
  })

  const indexes: ReadonlyArray<readonly [string, Schema.Schema<any, any, never>]> = [
    ["StorageIndex", Storage.Storage],
    ["SnapshotIndex", Snapshot.Snapshot],
    ["IpBriefIndex", Ip.Ip],
    ["NetworkIndex", Network.Network],
    ["SshkeyIndex", SshKey.SshKey],
    ["TemplateIndex", Template.Template],
    ["LocationIndex", Location.Location],
    ["IsoimageIndex", IsoImage.IsoImage]
  ]
  it.each(indexes)("%s, as a list in the order given", (definition, item) => {
    const list = Schema.decodeUnknownSync(S.listById(item))(example(definition))
    expect(list.map((o: { object_uuid: string }) => o.object_uuid)).toEqual(
      Object.values(example(definition) as Record<string, { object_uuid: string }>).map((o) => o.object_uuid)
    )
  })

  it("ServersGetResponse and RequestGetResponse", () => {
    const servers = Schema.decodeUnknownSync(S.listUnder("servers", Server.Server))(example("ServersGetResponse"))
    expect(servers[0]?.relations?.networks?.[0]?.ordering).toBe(0)
    const status = Schema.decodeUnknownSync(GridscalePolling.RequestStatusReply)(example("RequestGetResponse"))
    expect(Object.values(status)[0]?.status).toBe("done")
  })

  const inputs: ReadonlyArray<readonly [string, Schema.Schema<any, any, never>]> = [
    ["ServerCreate", Server.ServerCreate],
    ["ServerUpdate", Server.ServerUpdate],
    ["StorageCreate", Storage.StorageCreate],
    ["IpCreate", Ip.IpCreate],
    ["IpUpdate", Ip.IpUpdate],
    ["NetworkCreate", Network.NetworkCreate],
    ["NetworkUpdate", Network.NetworkUpdate],
    ["SshkeyCreate", SshKey.SshKeyCreate],
    ["SshkeyUpdate", SshKey.SshKeyUpdate],
    ["SnapshotCreate", Snapshot.SnapshotCreate],
    ["SnapshotUpdate", Snapshot.SnapshotUpdate],
    ["StorageTemplateCreate", Template.TemplateCreate],
    ["TemplateUpdate", Template.TemplateUpdate],
    ["IsoimageCreate", IsoImage.IsoImageCreate],
    ["IsoimageUpdate", IsoImage.IsoImageUpdate],
    ["LinkStorage", Schema.Struct({ object_uuid: Schema.String, ...Server.StorageLink.fields })]
  ]
  it.each(inputs)("the input %s passes the input checks", (definition, schema) => {
    expect(() => Schema.decodeUnknownSync(schema)(example(definition))).not.toThrow()
  })
})

describe("replies of newer API versions", () => {
  const newer = {
    object_uuid: "0f6a7c1e-4a7d-4a3b-8f5e-2b1c9d0e7a66",
    name: "web",
    power: true,
    cores: 2,
    memory: 4,
    user_data: "I2Nsb3VkLWNvbmZpZwo=",
    hardware_profile_config: { machinetype: "q35", nested_virtualization: true },
    create_time: "2024-05-01T10:00:00Z",
    change_time: null,
    relations: { storages: [], public_ips: [], networks: [], isoimages: [], future_links: [1] }
  }

  /** A model's fields the type does not declare, as a caller reads them: through an explicit widening. */
  const extra = (value: object | null | undefined) => value as Record<string, unknown>

  it("keep fields the schema does not know, next to the decoded ones", () => {
    const server = Schema.decodeUnknownSync(Server.Server)(newer)
    expect(extra(server)["user_data"]).toBe("I2Nsb3VkLWNvbmZpZwo=")
    expect(extra(server)["hardware_profile_config"]).toEqual({ machinetype: "q35", nested_virtualization: true })
    expect(extra(server.relations)["future_links"]).toEqual([1])
    // Declared fields only: a misspelt one does not compile (the model has no index signature).
    // @ts-expect-error nmae is not a field of Server
    expect(server.nmae).toBeUndefined()
    expect(server.change_time).toBeNull()
    expect(DateTime.isDateTime(server.create_time)).toBe(true)
  })

  it.effect("reach the caller of servers.get", () =>
    Effect.gen(function*() {
      const server = yield* Gridscale.use((g) => g.servers.get(newer.object_uuid))
      expect(extra(server)["user_data"]).toBe(newer.user_data)
      expect(extra(server)["hardware_profile_config"]).toEqual(newer.hardware_profile_config)
    }).pipe(Effect.provide(replaying({ [`/objects/servers/${newer.object_uuid}`]: { server: newer } }))))

  it.effect("a list keeps the order of the reply, not the order of the ids", () =>
    Effect.gen(function*() {
      const servers = yield* Gridscale.use((g) => g.servers.list())
      expect(servers.map((s) => s.name)).toEqual(["third", "first", "second"])
    }).pipe(Effect.provide(replaying({
      "/objects/servers": {
        servers: {
          "zz-3": { object_uuid: "zz-3", name: "third" },
          "aa-1": { object_uuid: "aa-1", name: "first" },
          "mm-2": { object_uuid: "mm-2", name: "second" }
        }
      }
    }))))

  it.effect("a reply that breaks a known field fails with ResponseDecodeError naming it", () =>
    Effect.gen(function*() {
      const error = yield* Gridscale.use((g) => g.servers.list()).pipe(Effect.flip)
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error._tag === "ResponseDecodeError" && error.field).toContain("cores")
    }).pipe(Effect.provide(replaying({ "/objects/servers": { servers: { a: { object_uuid: "a", cores: "two" } } } }))))
})

describe("the spec's example lists decode through every family's list operation", () => {
  /** The example of a family's list reply: the whole reply, or its map of objects wrapped under the key. */
  const listReply = (family: Families.Family): unknown => {
    const op = operationsById[family.operations["list"]!]!
    const whole = new URL(`../fixtures/examples/${op.response}.json`, import.meta.url)
    if (existsSync(whole)) return example(op.response!)
    const index = new URL(`../fixtures/examples/${family.listItem}Index.json`, import.meta.url)
    return existsSync(index) ? { [family.plural]: example(`${family.listItem}Index`) } : undefined
  }
  const covered = Families.families.flatMap((family) => {
    if (family.operations["list"] === undefined || family.parent !== undefined) return []
    const reply = listReply(family)
    return reply === undefined ? [] : [[family.key, family, reply] as const]
  })

  it("cover the families the examples hold", () => {
    expect(covered.map(([key]) => key)).toEqual(expect.arrayContaining(["firewalls", "loadBalancers", "labels"]))
  })

  it.effect.each(covered)("%s", ([key, family, reply]) =>
    Effect.gen(function*() {
      const g = yield* Gridscale.Gridscale
      const list = key.split(".").reduce<any>((node, k) => node[k], g).list as () => Effect.Effect<
        ReadonlyArray<unknown>
      >
      const entries = (reply as Record<string, unknown>)[family.plural]
      const count = Array.isArray(entries) ? entries.length : Object.keys(entries as object).length
      expect(yield* list()).toHaveLength(count)
    }).pipe(Effect.provide(replaying({ [family.path]: reply }))))
})
