/**
 * `gridscale storages`: block storages, empty or installed from a template.
 */
import * as Options from "@effect/cli/Options"
import * as Storage from "effect-gridscale/Storage"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import {
  createVerb,
  deleteVerb,
  type Family,
  getVerb,
  integer,
  labelsOption,
  listVerb,
  locationOption,
  optionalName,
  orUndefined,
  passwordOptions,
  present,
  repeated,
  text,
  updateVerb,
  type Verb
} from "../commands.js"
import { family } from "../generated/families/storages.js"
import { field } from "../output.js"
import { verbsOf } from "./generic.js"

/** Storages as the CLI shows them. */
export const storages: Family<Storage.Storage> = {
  cli: "storages",
  title: "storage",
  schema: Storage.Storage,
  path: "/objects/storages",
  columns: [
    field("object_uuid", "ID"),
    field("name"),
    field("capacity", "CAPACITY (GB)"),
    field("storage_type", "TYPE"),
    field("status"),
    field("location_name", "LOCATION")
  ]
}

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  listVerb(storages, (g) => g.storages.list(), (g, l) => g.storages.listByLocation(l)),
  getVerb(storages, (g, id) => g.storages.get(id)),
  createVerb(storages, {
    name: text("name", "NAME").pipe(Options.withDescription("The storage's name.")),
    capacity: integer("capacity").pipe(Options.withDescription("Size in GB, 1 to 4096.")),
    location: locationOption,
    storageType: Options.choice("storage-type", ["storage", "storage_high", "storage_insane"]).pipe(
      Options.withDescription("Performance class. Default: storage."),
      Options.optional
    ),
    template: text("template", "ID").pipe(
      Options.withDescription("Install this template's object_uuid onto the storage."),
      Options.optional
    ),
    sshKeys: repeated("ssh-key", "ID", "With --template: an SSH key's object_uuid to install."),
    ...passwordOptions,
    hostname: text("hostname", "NAME").pipe(
      Options.withDescription("With --template: the hostname."),
      Options.optional
    ),
    labels: labelsOption
  }, {
    input: Storage.StorageCreate,
    build: (o) =>
      present({
        name: o.name,
        capacity: o.capacity,
        location_uuid: orUndefined(o.location),
        storage_type: orUndefined(o.storageType),
        labels: o.labels,
        template: Option.isSome(o.template)
          ? present({
            template_uuid: o.template.value,
            sshkeys: o.sshKeys,
            hostname: orUndefined(o.hostname),
            password: Option.getOrUndefined(Option.map(o.password, Redacted.value)),
            // A password needs its type: plain unless said otherwise.
            password_type: Option.isSome(o.password) ? Option.getOrElse(o.passwordType, () => "plain") : undefined
          })
          : undefined
      }),
    read: (g, _, id) => g.storages.get(id)
  }),
  updateVerb(storages, {
    name: optionalName,
    capacity: integer("capacity").pipe(
      Options.withDescription("The new size in GB (storages only grow)."),
      Options.optional
    )
  }, {
    input: Storage.StorageUpdate,
    build: (o) => present({ name: orUndefined(o.name), capacity: orUndefined(o.capacity) }),
    update: (g, id, patch, jobOptions) => g.storages.update(id, patch, jobOptions)
  }),
  deleteVerb(storages, (g, id, jobOptions) => g.storages.delete(id, jobOptions))
]

/** The verbs of `gridscale storages`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated)
