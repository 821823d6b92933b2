/**
 * What every simulator starts with: one location, the public network and a few public templates
 * and ISO images. Ids are fixed so that tests and docs can name them.
 */
export const location = {
  object_uuid: "45ed677b-3702-4b36-be2a-a2eab9827950",
  name: "de/fra",
  iata: "fra",
  country: "de"
} as const

export const publicNetworkId = "a8ed9cd4-7d55-4a7d-9b59-3e6f3b1c0f01"

export interface SeedTemplate {
  readonly object_uuid: string
  readonly name: string
  readonly ostype: string
  readonly distro: string
  readonly version: string
  readonly description: string
  readonly capacity: number
  readonly license_product_no: number | null
}

export const templates: ReadonlyArray<SeedTemplate> = [
  {
    object_uuid: "fd65f8ce-e2c6-40af-8fc3-92efa0d4eca1",
    name: "Ubuntu 22.04 LTS (Jammy Jellyfish)",
    ostype: "linux",
    distro: "Ubuntu",
    version: "22.04 LTS",
    description: "no swap",
    capacity: 10,
    license_product_no: null
  },
  {
    object_uuid: "4ff4b1a3-7a1c-4c2b-a8a4-3c9a3f2b8d02",
    name: "Debian 12 (Bookworm)",
    ostype: "linux",
    distro: "Debian",
    version: "12",
    description: "no swap",
    capacity: 5,
    license_product_no: null
  },
  {
    object_uuid: "1c5e2f3d-8b4a-4e6f-9a7b-2d3c4e5f6a03",
    name: "CentOS Stream 9",
    ostype: "linux",
    distro: "CentOS",
    version: "Stream 9",
    description: "no swap",
    capacity: 10,
    license_product_no: null
  },
  {
    object_uuid: "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d04",
    name: "Windows Server 2022",
    ostype: "windows",
    distro: "Windows Server",
    version: "Windows Server 2022 Standard",
    description: "SPLA-Licensed",
    capacity: 32,
    license_product_no: 800002
  }
]

export const isoimages = [
  {
    object_uuid: "22f06c53-27a1-482f-94ed-1e464d259adf",
    name: "Ubuntu 22.04.4 LTS Server",
    source_url: "https://releases.example.org/ubuntu-22.04.4-live-server-amd64.iso",
    version: "22.04.4",
    description: null,
    capacity: 2
  }
] as const

/** PaaS service templates, so that PaaS services can be made from one. */
export const paasTemplates = [
  {
    object_uuid: "8bcb216c-65ec-4c93-925d-1b8feaa5c2a5",
    name: "PostgreSQL 16",
    category: "database",
    flavour: "postgres",
    version: "16",
    performance_class: "standard",
    product_no: 1002001,
    version_upgrades: [],
    performance_class_updates: [],
    patch_updates: []
  },
  {
    object_uuid: "2f9e4c61-0d3a-4b8e-9f7a-6c1d2e3f4a05",
    name: "Redis 7",
    category: "cache",
    flavour: "redis",
    version: "7",
    performance_class: "standard",
    product_no: 1003001,
    version_upgrades: [],
    performance_class_updates: [],
    patch_updates: []
  }
] as const

/** Seeded objects carry a creation time in the past, before anything a client creates. */
export const seedTime = Date.parse("2018-03-14T08:04:16Z")
