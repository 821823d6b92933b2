import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Url from "node:url"
import { definitions } from "../../src/generated/definitions.js"
import { operations } from "../../src/generated/operations.js"
import * as Schemas from "../../src/generated/schemas.js"
import { families } from "../../src/internal/families.js"
import * as S from "../../src/internal/schema.js"

// The data comes from test/fixtures, which `npm run generate` copies from the spec's examples and
// the replies recorded for Libcloud's tests, so these tests need nothing beside the repository.
const fixtures = Path.join(Path.dirname(Url.fileURLToPath(import.meta.url)), "../fixtures")
const read = (dir: string, file: string): unknown => JSON.parse(Fs.readFileSync(Path.join(fixtures, dir, file), "utf8"))
const examples = Fs.readdirSync(Path.join(fixtures, "examples")).filter((f) => f.endsWith(".json")).sort()

const decodeReply = <A, I>(schema: Schema.Schema<A, I>, value: unknown) =>
  Schema.decodeUnknownEither(schema, { errors: "all" })(value)
const decodeBody = <A, I>(schema: Schema.Schema<A, I>, value: unknown) =>
  Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })(value)

const expectRight = <A>(result: Either.Either<A, ParseResult.ParseError>, what: string): A => {
  if (Either.isLeft(result)) expect.fail(`${what}: ${ParseResult.TreeFormatter.formatErrorSync(result.left)}`)
  return (result as Either.Right<ParseResult.ParseError, A>).right
}

const models = Schemas as unknown as Record<string, Schema.Schema<any, any> | undefined>

/** The schema for an example of `definition`: a reply, a body, a model, or a map of models. */
const schemaFor = (definition: string): { schema: Schema.Schema<any, any>; body: boolean } | undefined => {
  if (Schemas.replies[definition]) return { schema: Schemas.replies[definition]!, body: false }
  if (Schemas.bodies[definition]) return { schema: Schemas.bodies[definition]!, body: true }
  // A member of a body's oneOf (MarketplaceApplicationImport) is checked as that body.
  const body = Object.entries(definitions).find(([name, node]) =>
    Schemas.bodies[name] !== undefined && node.oneOf?.some((m) => m.ref === definition)
  )
  if (body !== undefined) return { schema: Schemas.bodies[body[0]]!, body: true }
  const model = models[definition]
  if (model !== undefined && Schema.isSchema(model)) return { schema: model, body: false }
  const item = definitions[definition]?.additionalProperties?.ref
  const itemSchema = item !== undefined ? models[item] : undefined
  if (itemSchema !== undefined && Schema.isSchema(itemSchema)) return { schema: S.listById(itemSchema), body: false }
  return undefined
}

describe("generated schemas decode the spec's examples", () => {
  it("every example has a schema, except definitions no operation uses", () => {
    const without = examples.map((f) => f.replace(/\.json$/, "")).filter((d) => schemaFor(d) === undefined)
    // LinkedIpUpdate and StorageImportFromS3Object: no operation takes them; ListenPortsByIpIndex:
    // a plain map, checked as part of PaasService.
    expect(without).toEqual(["LinkedIpUpdate", "ListenPortsByIpIndex", "StorageImportFromS3Object"])
  })

  // The example of PaasServiceGetResponse wraps the service in `paas_services`, the list's key,
  // where its definition (and the API) says `paas_service`: its content is checked on its own.
  it("PaasServiceGetResponse's example holds a PaaS service, under the list's key", () => {
    const value = read("examples", "PaasServiceGetResponse.json") as Record<string, unknown>
    expect(Object.keys(value)).toEqual(["paas_services"])
    expectRight(decodeReply(Schemas.PaasService, value["paas_services"]), "PaasService")
  })

  for (const file of examples) {
    const definition = file.replace(/\.json$/, "")
    const found = schemaFor(definition)
    if (found === undefined || definition === "PaasServiceGetResponse") continue
    it(`${definition} (${found.body ? "request body" : "reply"})`, () => {
      const value = read("examples", file)
      expectRight(found.body ? decodeBody(found.schema, value) : decodeReply(found.schema, value), definition)
    })
  }
})

describe("generated schemas decode the recorded replies", () => {
  const recorded: ReadonlyArray<[string, Schema.Schema<any, any>]> = [
    ["list_nodes.json", Schemas.ServersGetResponse],
    ["list_volumes.json", Schemas.StoragesGetResponse],
    ["list_volumes_empty.json", Schemas.StoragesGetResponse],
    ["list_volume_snapshots.json", Schemas.SnapshotsGetResponse],
    ["list_images.json", Schemas.StorageTemplatesGetResponse],
    ["list_key_pairs.json", Schemas.SshkeysGetResponse],
    ["list_locations.json", Schemas.LocationsGetResponse],
    ["ex_list_ips.json", Schemas.IpsGetResponse],
    ["ex_list_networks.json", Schemas.NetworksGetResponse],
    ["create_node.json", Schemas.ServerCreateResponse],
    ["create_volume.json", Schemas.CreateResponse],
    ["create_ip.json", Schemas.IpCreateResponse],
    ["create_node_response_dict.json", Schemas.RequestGetResponse]
  ]

  it("covers every recorded reply in the fixtures", () => {
    const files = Fs.readdirSync(Path.join(fixtures, "libcloud")).filter((f) => f.endsWith(".json")).sort()
    expect(recorded.map(([file]) => file).sort()).toEqual(files)
  })

  for (const [file, schema] of recorded) {
    it(file, () => {
      expectRight(decodeReply(schema, read("libcloud", file)), file)
    })
  }

  it("a server keeps its undeclared fields, its timestamps are DateTime.Utc, its relations typed", () => {
    const raw = read("libcloud", "list_nodes.json") as { servers: Record<string, Record<string, unknown>> }
    const [first] = Object.values(raw.servers)
    const servers = expectRight(
      decodeReply(Schemas.ServersGetResponse, { servers: { a: { ...first, added_later: { x: 1 } } } }),
      "list"
    )
    const server = servers[0]!
    expect((server as unknown as Record<string, unknown>)["added_later"]).toEqual({ x: 1 })
    expect(DateTime.isDateTime(server.create_time)).toBe(true)
    expect(server.object_uuid).toBe(first!["object_uuid"])
    for (const storage of server.relations?.storages ?? []) expect(typeof storage.object_uuid).toBe("string")
  })

  it("rejects a model without its id, and a declared field of the wrong type", () => {
    expect(Either.isLeft(decodeReply(Schemas.Server, { name: "no id" }))).toBe(true)
    expect(Either.isLeft(decodeReply(Schemas.Server, { object_uuid: "x", cores: "two" }))).toBe(true)
    expect(Either.isLeft(decodeReply(Schemas.Server, { object_uuid: "x", create_time: "not a time" }))).toBe(true)
    expect(Either.isRight(decodeReply(Schemas.Server, { object_uuid: "x", cores: null, name: null }))).toBe(true)
  })

  it("accepts the spec's contradictions both ways", () => {
    for (const ordering of [1, "1"]) {
      expect(Either.isRight(decodeReply(Schemas.LinkedNetwork, { object_uuid: "n", ordering })), String(ordering))
        .toBe(true)
    }
    for (const family of [4, "6"]) {
      expect(Either.isRight(decodeReply(Schemas.Ip, { object_uuid: "i", family })), String(family)).toBe(true)
    }
    const storage = expectRight(
      decodeReply(Schemas.Storage, {
        object_uuid: "s",
        snapshots: [{ object_uuid: "p", create_time: "2020-01-01T00:00:00Z" }]
      }),
      "storage"
    )
    expect(DateTime.isDateTime(storage.snapshots?.[0]?.create_time)).toBe(true)
  })
})

describe("generated input schemas", () => {
  it("SshkeyCreate requires sshkey, not the spec's 'ssh key'", () => {
    expect(Either.isRight(decodeBody(Schemas.SshkeyCreate, { name: "k", sshkey: "ssh-ed25519 AAAA" }))).toBe(true)
    expect(Either.isLeft(decodeBody(Schemas.SshkeyCreate, { name: "k", "ssh key": "ssh-ed25519 AAAA" }))).toBe(true)
  })

  it("bounds names, capacities and local storages", () => {
    expect(Either.isLeft(decodeBody(Schemas.ServerCreate, { name: "x".repeat(65), cores: 1, memory: 1 }))).toBe(true)
    expect(Either.isRight(decodeBody(Schemas.ServerCreate, { name: "x".repeat(64), cores: 1, memory: 1 }))).toBe(true)
    expect(Either.isLeft(decodeBody(Schemas.ServerCreate, { name: "x", cores: 0, memory: 1 }))).toBe(true)
    // The spec's own bounds hold where it states them (marketplace setups: 1 to 64 cores).
    expect(Either.isLeft(decodeBody(Schemas.MarketplaceApplicationSetupInput, { cores: 65 }))).toBe(true)
    expect(Either.isRight(decodeBody(Schemas.MarketplaceApplicationSetupInput, { cores: 64 }))).toBe(true)
    expect(Either.isLeft(decodeBody(Schemas.StorageCreate, { name: "s", capacity: 4097 }))).toBe(true)
    expect(Either.isRight(decodeBody(Schemas.StorageCreate, { name: "s", capacity: 4096 }))).toBe(true)
    expect(
      Either.isLeft(decodeBody(Schemas.StorageCreate, { name: "s", capacity: 501, storage_variant: "local" }))
    ).toBe(true)
    expect(
      Either.isRight(decodeBody(Schemas.StorageCreate, { name: "s", capacity: 500, storage_variant: "local" }))
    ).toBe(true)
  })

  it("a template storage needs a password with its type, or SSH keys", () => {
    const create = (template: object) => decodeBody(Schemas.StorageCreate, { name: "s", capacity: 10, template })
    expect(Either.isLeft(create({ template_uuid: "t" }))).toBe(true)
    expect(Either.isLeft(create({ template_uuid: "t", password: "p", password_type: "md5" }))).toBe(true)
    expect(Either.isRight(create({ template_uuid: "t", password: "p", password_type: "plain" }))).toBe(true)
    expect(Either.isRight(create({ template_uuid: "t", sshkeys: ["k"] }))).toBe(true)
    const both = expectRight(
      create({ template_uuid: "t", password: "p", password_type: "crypt", sshkeys: ["k"] }),
      "both"
    )
    expect(both.template).toEqual({ template_uuid: "t", password: "p", password_type: "crypt", sshkeys: ["k"] })
  })
})

describe("schema registries", () => {
  it("every operation's reply and body, and every family's models, have a schema", () => {
    for (const operation of operations) {
      if (operation.response !== undefined) {
        expect(Schema.isSchema(Schemas.replies[operation.response]), operation.operationId).toBe(true)
      }
      if (operation.body !== undefined) {
        expect(Schema.isSchema(Schemas.bodies[operation.body.definition]), operation.operationId).toBe(true)
      }
    }
    for (const family of families) {
      expect(Schema.isSchema(Schemas.models[family.item]), `${family.key}: ${family.item}`).toBe(true)
      expect(Schema.isSchema(Schemas.models[family.listItem]), `${family.key}: ${family.listItem}`).toBe(true)
      for (const input of [family.create, family.update]) {
        if (input !== undefined) expect(Schema.isSchema(Schemas.bodies[input]), `${family.key}: ${input}`).toBe(true)
      }
    }
  })
})
