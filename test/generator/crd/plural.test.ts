import { describe, expect, it } from "vitest";
import { defaultPlural, pluralize } from "../../../src/generator/crd/plural.js";

/** [kind, what flect.Pluralize returns for it]. */
type Row = readonly [kind: string, plural: string];

const GROUPS: Record<string, readonly Row[]> = {
  "plain -s, last word of a compound": [
    ["CronJob", "CronJobs"],
    ["StatefulSet", "StatefulSets"],
    ["ConfigMap", "ConfigMaps"],
    ["Namespace", "Namespaces"],
    ["Service", "Services"],
    ["HTTPRoute", "HTTPRoutes"],
    ["APIService", "APIServices"],
    ["S3Bucket", "S3Buckets"],
    ["Route53", "Route53s"],
    ["PriceList", "PriceLists"],
    ["Profile", "Profiles"],
    ["Directive", "Directives"],
    ["Warehouse", "Warehouses"],
    ["Cache", "Caches"],
  ],
  "sibilants take -es": [
    ["Ingress", "Ingresses"],
    ["IngressClass", "IngressClasses"],
    ["Status", "Statuses"],
    ["Bus", "Buses"],
    ["Virus", "Viruses"],
    ["Census", "Censuses"],
    ["IPAddress", "IPAddresses"],
    ["Mailbox", "Mailboxes"],
    ["Sandbox", "Sandboxes"],
    ["Suffix", "Suffixes"],
    ["Complex", "Complexes"],
    ["ServiceMesh", "ServiceMeshes"],
    ["Wish", "Wishes"],
    ["Church", "Churches"],
    ["Batch", "Batches"],
    ["Quiz", "Quizzes"],
    ["Fez", "Fezzes"],
    ["Waltz", "Waltzes"],
  ],
  "-y": [
    ["NetworkPolicy", "NetworkPolicies"],
    ["Policy", "Policies"],
    ["Proxy", "Proxies"],
    ["HTTPProxy", "HTTPProxies"],
    ["Entity", "Entities"],
    ["Registry", "Registries"],
    ["Colloquy", "Colloquies"],
    ["Gateway", "Gateways"],
    ["Key", "Keys"],
    ["Journey", "Journeys"],
    ["Guy", "Guys"],
  ],
  "-f and -fe": [
    ["Leaf", "Leaves"],
    ["Knife", "Knives"],
    ["Shelf", "Shelves"],
    ["Wolf", "Wolves"],
    ["Life", "Lives"],
    ["Thief", "Thieves"],
    ["Belief", "Beliefs"],
    ["Chief", "Chiefs"],
    ["Proof", "Proofs"],
  ],
  "-o": [
    ["Photo", "Photos"],
    ["Radio", "Radios"],
    ["Foo", "Foos"],
    ["Hero", "Heroes"],
    ["Echo", "Echoes"],
    ["Potato", "Potatoes"],
    ["Memo", "Memoes"],
    ["Video", "Videoes"],
  ],
  "Latin and Greek plurals": [
    ["Index", "Indices"],
    ["SearchIndex", "SearchIndices"],
    ["Matrix", "Matrices"],
    ["Vertex", "Vertices"],
    ["Helix", "Helices"],
    ["Cactus", "Cacti"],
    ["Radius", "Radii"],
    ["Nucleus", "Nuclei"],
    ["Corpus", "Corpora"],
    ["Genus", "Genera"],
    ["Criterion", "Criteria"],
    ["Polyhedron", "Polyhedra"],
    ["Datum", "Data"],
    ["Spectrum", "Spectra"],
    ["Maximum", "Maxima"],
    ["Memorandum", "Memoranda"],
    ["Quantum", "Quanta"],
    ["Medium", "Media"],
    ["Stadium", "Stadiums"],
    ["Museum", "Museums"],
    ["Checksum", "Checksums"],
    ["Album", "Albums"],
    ["Vacuum", "Vacuums"],
    ["Analysis", "Analyses"],
    ["Diagnosis", "Diagnoses"],
    ["Synopsis", "Synopses"],
    ["Crisis", "Crises"],
    ["Basis", "Bases"],
    ["Axis", "Axes"],
    ["Nebula", "Nebulae"],
    ["Formula", "Formulas"],
    ["Bureau", "Bureaus"],
    ["Plateau", "Plateaux"],
    ["Schema", "Schemas"],
    ["Replica", "Replicas"],
    ["Camera", "Cameras"],
  ],
  "irregular nouns, alone and ending a compound": [
    ["Person", "People"],
    ["SalesPerson", "SalesPeople"],
    ["Child", "Children"],
    ["Woman", "Women"],
    ["Human", "Humans"],
    ["Workman", "Workmen"],
    ["Mouse", "Mice"],
    ["Dormouse", "Dormice"],
    ["Ox", "Oxen"],
    ["Foot", "Feet"],
    ["Tooth", "Teeth"],
    ["Goose", "Geese"],
    ["Alias", "Aliases"],
    ["HostAlias", "HostAliases"],
    ["Database", "Databases"],
    ["ResourceQuota", "ResourceQuotas"],
  ],
  "same in singular and plural": [
    ["Sheep", "Sheep"],
    ["Series", "Series"],
    ["TimeSeries", "TimeSeries"],
    ["Species", "Species"],
    ["Fish", "Fish"],
    ["Swordfish", "Swordfish"],
    ["Deer", "Deer"],
    ["Aircraft", "Aircraft"],
    ["Equipment", "Equipment"],
    ["News", "News"],
    ["ClusterInformation", "ClusterInformation"],
  ],
  "already plural": [
    ["Endpoints", "Endpoints"],
    ["Credentials", "Credentials"],
    ["Metrics", "Metrics"],
    ["Policies", "Policies"],
    ["Leaves", "Leaves"],
    ["People", "People"],
    ["Children", "Children"],
    ["Indices", "Indices"],
    ["Indexes", "Indexes"],
    ["Criteria", "Criteria"],
    ["Mice", "Mice"],
    ["Data", "Data"],
    ["Metadata", "Metadata"],
    ["Media", "Media"],
    ["Dice", "Dice"],
  ],
  "flect quirks kept on purpose": [
    ["Octopus", "Octupuses"], // flect's spelling
    ["Price", "Price"], // ends in the uncountable "rice"
    ["Area", "Area"], // "-ea" is read as a plural of "-eum"
    ["Idea", "Idea"],
    ["Beta", "Beta"], // "-eta" is read as a plural of "-etum"
    ["Extra", "Extra"], // "-tra" is read as a plural of "-trum"
    ["Lambda", "Lambda"], // "-da" is read as a plural of "-dum"
    ["Bayou", "Bayou"], // ends in the invariant "you"
    ["Safe", "Saves"],
    ["Stomach", "Stomaches"],
    ["Epoch", "Epoches"],
    ["DNS", "DNSes"],
    ["TLS", "TLSes"],
    ["Dns", "DnsDNSes"], // the acronym word is upper-cased, so it is appended
    ["VPNIndex", "VPNIndices"], // VPN is an acronym: last word "Index"
    ["ABCIndex", "ABCIndexes"], // ABC is not: last word "ABCIndex", no "-ex" rule
    ["CHILD", "Children"],
  ],
};

const ROWS: readonly Row[] = Object.values(GROUPS).flat();

describe("pluralize", () => {
  for (const [group, rows] of Object.entries(GROUPS)) {
    describe(group, () => {
      it.each(rows)("%s → %s", (kind, plural) => {
        expect(pluralize(kind)).toBe(plural);
      });
    });
  }

  it("covers at least 60 kind names", () => {
    expect(new Set(ROWS.map(([kind]) => kind)).size).toBeGreaterThanOrEqual(60);
  });

  it("leaves its own answers unchanged, as flect's tests require", () => {
    const changed = ROWS.filter(([, plural]) => pluralize(plural) !== plural);
    expect(changed).toEqual([]);
  });

  it("is not idempotent where flect is not (\"-dula\" becomes \"-bulae\")", () => {
    expect(pluralize("Pendulum")).toBe("Pendula");
    expect(pluralize("Pendula")).toBe("Penbulae");
  });

  it("keeps the case of lower-case and separated names", () => {
    expect(pluralize("index")).toBe("indices");
    expect(pluralize("person")).toBe("people");
    expect(pluralize("cron_job")).toBe("cron_jobs");
    expect(pluralize("network-policy")).toBe("network-policies");
    expect(pluralize("widgetUuid")).toBe("widgetUuids");
  });

  it("matches the whole input case-sensitively first", () => {
    expect(pluralize("ID")).toBe("IDs");
    expect(pluralize("IDs")).toBe("IDs");
    expect(pluralize("Id")).toBe("Ids");
  });

  it("returns an empty string for an empty or blank name", () => {
    expect(pluralize("")).toBe("");
    expect(pluralize("   ")).toBe("");
  });
});

describe("defaultPlural", () => {
  it.each(ROWS)("%s → lower-case of %s", (kind, plural) => {
    expect(defaultPlural(kind)).toBe(plural.toLowerCase());
  });

  it("gives the names controller-gen writes for common kinds", () => {
    expect(defaultPlural("CronJob")).toBe("cronjobs");
    expect(defaultPlural("NetworkPolicy")).toBe("networkpolicies");
    expect(defaultPlural("Ingress")).toBe("ingresses");
    expect(defaultPlural("Endpoints")).toBe("endpoints");
    expect(defaultPlural("Person")).toBe("people");
  });
});
