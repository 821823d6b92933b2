/**
 * `gridscale iso-images`: bootable images to insert in servers.
 */
import * as IsoImage from "effect-gridscale/IsoImage"
import { deleteVerb, type Family, getVerb, listVerb, type Verb } from "../commands.js"
import { family } from "../generated/families/iso-images.js"
import { field } from "../output.js"
import { verbsOf } from "./generic.js"

/** ISO images as the CLI shows them. */
export const isoImages: Family<IsoImage.IsoImage> = {
  cli: "iso-images",
  title: "ISO image",
  schema: IsoImage.IsoImage,
  path: "/objects/isoimages",
  columns: [
    field("object_uuid", "ID"),
    field("name"),
    field("version"),
    field("private"),
    field("status"),
    field("location_name", "LOCATION")
  ]
}

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  listVerb(isoImages, (g) => g.isoImages.list(), (g, l) => g.isoImages.listByLocation(l)),
  getVerb(isoImages, (g, id) => g.isoImages.get(id)),
  deleteVerb(isoImages, (g, id, jobOptions) => g.isoImages.delete(id, jobOptions))
]

/** The verbs of `gridscale iso-images`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated)
