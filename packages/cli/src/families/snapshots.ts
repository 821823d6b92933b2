/**
 * `gridscale snapshots`: point-in-time copies of a storage; every verb takes the storage's id first.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Gridscale from "effect-gridscale/Gridscale"
import * as GridscaleConnection from "effect-gridscale/GridscaleConnection"
import * as Snapshot from "effect-gridscale/Snapshot"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import {
  connectionOptions,
  createVerb,
  type Family,
  idArg,
  jobOptions,
  jobOptionsOf,
  labelsOption,
  listOptions,
  orUndefined,
  present,
  printItem,
  printItems,
  safeId,
  text,
  type Verb,
  verb,
  withClient
} from "../commands.js"
import { family } from "../generated/families/snapshots.js"
import { field, printJson, withProgress } from "../output.js"
import { verbsOf } from "./generic.js"

/** Snapshots as the CLI shows them. */
export const snapshots: Family<Snapshot.Snapshot> = {
  cli: "snapshots",
  title: "snapshot",
  schema: Snapshot.Snapshot,
  path: "/objects/storages",
  columns: [
    field("object_uuid", "ID"),
    field("name"),
    field("capacity", "CAPACITY (GB)"),
    field("parent_name", "STORAGE"),
    field("status")
  ]
}

const storageArg = Args.text({ name: "storage-id" }).pipe(Args.withDescription("The storage's id."))

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  verb("list", "List the snapshots of a storage.", (path) =>
    Command.make(
      path,
      { ...connectionOptions, ...listOptions, storage: storageArg },
      withClient((options) =>
        Effect.flatMap(Gridscale.Gridscale, (g) => g.snapshots.list(options.storage)).pipe(
          Effect.flatMap((items) => printItems(snapshots, options, items))
        )
      )
    )),
  verb("get", "Show a snapshot of a storage.", (path) =>
    Command.make(
      path,
      { ...connectionOptions, storage: storageArg, id: idArg("snapshot") },
      withClient((options) =>
        Effect.flatMap(Gridscale.Gridscale, (g) => g.snapshots.get(options.storage, options.id)).pipe(
          Effect.flatMap((item) => printItem(snapshots, options.json, item))
        )
      )
    )),
  createVerb(snapshots, {
    storage: storageArg,
    name: text("name", "NAME").pipe(Options.withDescription("The snapshot's name."), Options.optional),
    labels: labelsOption
  }, {
    input: Snapshot.SnapshotCreate,
    build: (o) => present({ name: orUndefined(o.name), labels: o.labels }),
    path: (o) => Effect.map(safeId(o.storage, "storage-id"), (storage) => `/objects/storages/${storage}/snapshots`),
    read: (g, o, id) => g.snapshots.get(o.storage, id)
  }),
  verb("delete", "Delete a snapshot of a storage.", (path) =>
    Command.make(
      path,
      { ...connectionOptions, ...jobOptions, storage: storageArg, id: idArg("snapshot") },
      withClient((options) =>
        Effect.gen(function*() {
          if (options.noWait) {
            const connection = yield* GridscaleConnection.GridscaleConnection
            const storage = yield* safeId(options.storage, "storage-id")
            yield* connection.request("DELETE", `/objects/storages/${storage}/snapshots/${yield* safeId(options.id)}`)
          } else {
            const g = yield* Gridscale.Gridscale
            yield* withProgress(
              `deleting snapshot ${options.id}`,
              options.json,
              (onProgress) => g.snapshots.delete(options.storage, options.id, jobOptionsOf(options, onProgress))
            )
          }
          yield* options.json
            ? printJson({ deleted: options.id, awaited: !options.noWait })
            : Console.log(`deleted snapshot ${options.id}${options.noWait ? " (job not awaited)" : ""}`)
        })
      )
    ))
]

/** The verbs of `gridscale snapshots`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated)
