/**
 * English pluralisation that agrees with github.com/gobuffalo/flect v1.0.3
 * (`flect.Pluralize`), which controller-gen uses to pick a CRD's default plural
 * resource name: `strings.ToLower(flect.Pluralize(kind))`.
 *
 * How flect decides, and how this module mirrors it:
 *
 * 1. The input is split into words: at separators (`_ - : /`, white space), where a
 *    lower-case letter or digit is followed by an upper-case one, and after a known
 *    acronym (`HTTPRoute` → `HTTP`, `Route`). A word that is a known acronym is
 *    written in upper case (`Dns` → `DNS`). Only the last word is inflected.
 * 2. The whole input is looked up among the irregular nouns, case-sensitively
 *    (`ID` → `IDs`, `index` → `indices`); an input that is already a known plural
 *    is returned as it is.
 * 3. The last word, lower-cased, is looked up the same way; a capitalised last word
 *    gets a capitalised plural (`Person` → `People`, `NetworkPolicy` keeps going).
 * 4. Otherwise the longest known ending of the last word (compared
 *    case-sensitively) decides: a singular ending is swapped for its plural ending
 *    (`Policy` → `Policies`, `Matrix` → `Matrices`), and a plural ending leaves
 *    the word alone (`Metadata`, `Leaves`). Irregular nouns also act as endings
 *    (`Salesperson` → `Salespeople`), except the few that only inflect as a whole
 *    word (`ox`, `axis`, `use`, ...).
 * 5. Otherwise a word ending in "s" is taken to be plural already, and anything
 *    else gets an "s".
 *
 * flect's quirks are kept on purpose, since the goal is the same plural as
 * controller-gen: "octopus" becomes "octupuses", endings "dula"/"lula"/"nula"/"vula"
 * become "bulae", "Price" stays "Price" (it ends in the uncountable "rice"), and an
 * acronym last word that was not written in upper case is appended rather than
 * replaced (`Dns` → `DnsDNSes`). flect's optional `inflections.json` /
 * `acronyms.json` overrides are not supported.
 *
 * @module
 */

/** A noun whose plural does not follow the ending rules, or that overrides them. */
interface IrregularNoun {
  readonly singular: string;
  readonly plural: string;
  /** Other plurals in use; an input equal to one of them is left unchanged. */
  readonly variants?: readonly string[];
  /** Only the whole last word inflects this way; it is not used as an ending. */
  readonly wholeWordOnly?: boolean;
  /** The plural is not recognised as a plural of this word (it belongs to another). */
  readonly pluralNotRecognised?: boolean;
}

type NounOptions = Omit<IrregularNoun, "singular" | "plural">;

function noun(singular: string, plural: string, options: NounOptions = {}): IrregularNoun {
  return { singular, plural, ...options };
}

/** A noun that is the same in singular and plural (identical plurals, uncountables). */
function invariant(word: string, options: NounOptions = {}): IrregularNoun {
  return noun(word, word, options);
}

/** Nouns whose plural only adds "s" or "es" but must not fall to an ending rule. */
function regular(suffix: "s" | "es", ...words: string[]): IrregularNoun[] {
  return words.map((word) => noun(word, word + suffix));
}

/** flect's dictionary of irregular nouns, grouped by kind of plural. */
const IRREGULAR_NOUNS: readonly IrregularNoun[] = [
  // Same in singular and plural; some also have an "-s" plural in use.
  invariant("aircraft"),
  invariant("beef", { variants: ["beefs"] }),
  invariant("bison"),
  invariant("blues", { pluralNotRecognised: true }),
  invariant("chassis"),
  invariant("deer"),
  invariant("equipment"),
  invariant("fish", { variants: ["fishes"] }),
  invariant("graffiti"),
  invariant("information"),
  invariant("jeans"),
  invariant("media"),
  invariant("money"),
  invariant("moose"),
  invariant("news"),
  invariant("police"),
  invariant("rice"),
  invariant("salmon", { variants: ["salmons"] }),
  invariant("series"),
  invariant("sheep"),
  invariant("shrimp", { variants: ["shrimps"] }),
  invariant("species"),
  invariant("swine", { variants: ["swines"] }),
  invariant("trout", { variants: ["trouts"] }),
  invariant("tuna", { variants: ["tunas"] }),
  invariant("you"),

  // Vowel change, "-en", and other old irregulars.
  noun("child", "children"),
  noun("die", "dice", { wholeWordOnly: true }),
  noun("foot", "feet"),
  noun("goose", "geese"),
  noun("louse", "lice", { wholeWordOnly: true }),
  noun("man", "men"),
  noun("mouse", "mice"),
  noun("ox", "oxen", { wholeWordOnly: true }),
  noun("person", "people"),
  noun("thief", "thieves"),
  noun("tooth", "teeth"),
  noun("woman", "women"),

  // Plain "-s" plurals that an ending rule would otherwise change.
  ...regular("s", "abuse", "ache", "agenda", "base", "cause", "chive", "clause", "cookie"),
  ...regular("s", "cruse", "excuse", "fuse", "hive", "house", "human", "misuse", "move"),
  ...regular("s", "movie", "muse", "pause", "pretorium", "quota", "shoe", "vedalia"),
  noun("alias", "aliases", { wholeWordOnly: true }),
  noun("toe", "toes", { wholeWordOnly: true }),
  noun("use", "uses", { wholeWordOnly: true }),
  noun("topaz", "topazes"),
  noun("ID", "IDs", { wholeWordOnly: true }),
  noun("bureau", "bureaus", { variants: ["bureaux"] }),
  noun("curriculum", "curriculums", { variants: ["curricula"] }),
  noun("dwarf", "dwarfs", { variants: ["dwarves"] }),
  noun("formula", "formulas", { variants: ["formulae"] }),
  noun("hoof", "hoofs", { variants: ["hooves"] }),
  noun("stadium", "stadiums", { variants: ["stadia"] }),

  // "-o" → "-oes" where an ending rule would add only "s".
  noun("buffalo", "buffaloes", { variants: ["buffalos"] }),
  noun("potato", "potatoes"),
  noun("tomato", "tomatoes"),

  // French "-u" → "-ux".
  noun("adieu", "adieux", { variants: ["adieus"] }),
  noun("fabliau", "fabliaux"),

  // Greek "-on" → "-a".
  noun("criterion", "criteria"),
  noun("ganglion", "ganglia", { variants: ["ganglions"] }),
  noun("lexicon", "lexica", { variants: ["lexicons"] }),
  noun("mitochondrion", "mitochondria", { variants: ["mitochondrions"] }),
  noun("noumenon", "noumena"),
  noun("phenomenon", "phenomena"),
  noun("taxon", "taxa"),

  // Latin "-um" → "-a".
  noun("aquarium", "aquaria", { variants: ["aquariums"] }),
  noun("auditorium", "auditoria", { variants: ["auditoriums"] }),
  noun("medium", "media", { variants: ["mediums"], pluralNotRecognised: true }),
  noun("symposium", "symposia", { variants: ["symposiums"] }),

  // Latin "-us" → "-i" / "-era" / "-ora". ("octupuses" is flect's spelling.)
  noun("alumnus", "alumni", { variants: ["alumnuses"] }),
  noun("bacillus", "bacilli"),
  noun("cactus", "cacti", { variants: ["cactuses"] }),
  noun("coccus", "cocci"),
  noun("corpus", "corpora", { variants: ["corpuses"] }),
  noun("focus", "foci", { variants: ["focuses"] }),
  noun("genus", "genera"),
  noun("locus", "loci", { variants: ["locuses"] }),
  noun("nucleus", "nuclei", { variants: ["nucleuses"] }),
  noun("octopus", "octupuses", { variants: ["octopi"] }),
  noun("radius", "radii", { variants: ["radiuses"] }),
  noun("syllabus", "syllabi"),

  // Latin "-a" → "-ae".
  noun("alumna", "alumnae"),
  noun("differentia", "differentiae"),
  noun("larva", "larvae"),
  noun("minutia", "minutiae"),
  noun("postcava", "postcavae"),
  noun("praecava", "praecavae"),
  noun("uva", "uvae"),
  noun("vertebra", "vertebrae"),
  noun("vita", "vitae"),

  // Latin "-ex" / "-ix" → "-ices".
  noun("apex", "apices", { variants: ["apexes"] }),
  noun("appendix", "appendices", { variants: ["appendixes"] }),
  noun("codex", "codices", { variants: ["codexes"] }),
  noun("helix", "helices", { variants: ["helixes"] }),
  noun("index", "indices", { variants: ["indexes"] }),
  noun("latex", "latices", { variants: ["latexes"] }),
  noun("radix", "radices", { variants: ["radixes"] }),
  noun("vertex", "vertices", { variants: ["vertexes"] }),
  noun("vortex", "vortices", { variants: ["vortexes"] }),

  // Latin/Greek "-is" → "-es".
  noun("axis", "axes", { wholeWordOnly: true }),
  noun("basis", "bases", { pluralNotRecognised: true }),
  noun("crisis", "crises"),
  noun("ellipsis", "ellipses", { pluralNotRecognised: true }),
  noun("genesis", "geneses"),
  noun("oasis", "oases"),
  noun("testis", "testes"),
  noun("thesis", "theses"),
];

/** A singular ending and the plural ending that replaces it. */
type EndingRule = readonly [singular: string, plural: string];

/** Each ending takes `extra` appended to form its plural. */
function append(extra: string, ...endings: string[]): EndingRule[] {
  return endings.map((ending) => [ending, ending + extra] as const);
}

/** Each ending loses its last `from` and gains `to` (e.g. "-y" → "-ies"). */
function swap(from: string, to: string, ...endings: string[]): EndingRule[] {
  return endings.map((ending) => [ending, ending.slice(0, ending.length - from.length) + to] as const);
}

/** Ending rules that are not single nouns; the longest matching ending wins. */
const ENDING_RULES: readonly EndingRule[] = [
  // "-f" / "-fe" → "-ves"; "-tive" is a plain "-s" (not a "-fe" word read backwards).
  ...swap("f", "ves", "eaf", "oaf", "arf", "rf", "lf"),
  ...swap("fe", "ves", "afe", "rfe", "fe"),
  ...append("s", "tive"),
  // "-y" → "-ies" after a consonant (and in "-quy"), else "-ys".
  ...swap("y", "ies", "y", "quy"),
  ...append("s", "ay", "ey", "oy", "uy"),
  // French "-eau" → "-eaux".
  ...append("x", "eau"),
  // Latin "-ula" → "-ulae". flect writes "bulae" for all five endings.
  ["bula", "bulae"],
  ["dula", "bulae"],
  ["lula", "bulae"],
  ["nula", "bulae"],
  ["vula", "bulae"],
  // Greek "-hedron" → "-hedra".
  ...swap("on", "a", "hedron"),
  // Latin "-um" → "-a" for these endings; "-seum" is a plain "-s".
  ...swap("um", "a", "ium", "eum", "oum", "stracum", "dum", "elum", "ilum", "olum", "ulum"),
  ...swap("um", "a", "llum", "ylum", "imum", "ernum", "gnum", "brum", "crum", "terum", "serum"),
  ...swap("um", "a", "trum", "antum", "atum", "entum", "etum", "itum", "otum", "utum", "ctum"),
  ...swap("um", "a", "ovum"),
  ...append("s", "seum"),
  // Latin "-trix" → "-trices".
  ...swap("ix", "ices", "trix"),
  // Greek "-sis" → "-ses" for these endings.
  ...swap("is", "es", "iasis", "mesis", "kinesis", "resis", "gnosis", "opsis", "ysis"),
  // Sibilants take "-es"; "-ez" / "-iz" double the "z".
  ...append("s", "ouse", "lause"),
  ...append("es", "us", "ch", "sh", "ss", "tz", "zz", "x"),
  ...append("zes", "ez", "iz"),
  // "-o" → "-oes", except these endings which take a plain "-s".
  ...append("s", "io", "ano", "lo", "to", "oo"),
  ...append("es", "o"),
  // An upper-case final "S" (an acronym such as DNS) → "Ses".
  ...append("es", "S"),
];

/**
 * Acronyms flect knows. They split compound names (`HTTPRoute` → HTTP + Route) and
 * a word equal to one of them, in any case, is upper-cased (`Uuid` → `UUID`).
 */
const ACRONYMS: ReadonlySet<string> = new Set(
  `ACK ACL ADSL AES ANSI API ARP ATM BGP BSS CCITT CHAP CIDR CIR CLI CMOS CPE CPU CRC CRT
   CSMA DCE DEC DES DHCP DMI DNS DRAM DSL DSLAM DTE EHA EIA EIGRP EOF ESS FCC FCS FDDI FTP
   GBIC GEPOF HDLC HTML HTTP HTTPS IANA ICMP ID IDF IDS IEEE IETF IMAP IP IPS ISDN ISP JSON
   JWT LACP LAN LAPB LAPF LLC MAC MC MDF MIB MPLS MTU NAC NAT NBMA NIC NRZ NRZI NVRAM OK OSI
   OSPF OUI PAP PAT PC PCM PDU PIM POP3 POTS PPP PPTP PTT PVST RAM RARP RCP RFC RIP RLL ROM
   RSTP RTP SDLC SFD SFP SLARP SLIP SMTP SNA SNAP SNMP SOF SQL SRAM SSH SSID STP SYN TDM
   TFTP TIA TOFU UDP URI URL USB UTF8 UTP UUID VC VLAN VLSM VPN W3C WAN WEP WPA WWW`
    .split(/\s+/u)
    .filter((acronym) => acronym !== ""),
);

/** Singular (as written in the table) → plural. */
const PLURAL_OF = new Map<string, string>();
/** Words recognised as already plural. */
const KNOWN_PLURALS = new Set<string>();
/** Ending → the ending that replaces it; a plural ending maps to itself. */
const ENDINGS = new Map<string, string>();

for (const entry of IRREGULAR_NOUNS) {
  PLURAL_OF.set(entry.singular, entry.plural);
  if (!entry.pluralNotRecognised) {
    KNOWN_PLURALS.add(entry.plural);
    for (const variant of entry.variants ?? []) KNOWN_PLURALS.add(variant);
  }
}
const endingPairs: EndingRule[] = [
  ...ENDING_RULES,
  ...IRREGULAR_NOUNS.filter((entry) => !entry.wholeWordOnly).map(
    (entry) => [entry.singular, entry.plural] as const,
  ),
];
for (const [singular, plural] of endingPairs) {
  ENDINGS.set(plural, plural);
  ENDINGS.set(singular, plural);
}
const LONGEST_ENDING = Math.max(...[...ENDINGS.keys()].map((ending) => ending.length));

/** Characters that separate words, besides Unicode white space. */
const SEPARATORS = ["_", " ", ":", "-", "/"] as const;

function isWhiteSpace(ch: string): boolean {
  return /^\p{White_Space}$/u.test(ch);
}

function isSeparator(ch: string): boolean {
  return (SEPARATORS as readonly string[]).includes(ch) || isWhiteSpace(ch);
}

function isUpperCase(ch: string): boolean {
  return /^\p{Lu}$/u.test(ch);
}

/** Letters, decimal digits, punctuation and the backtick stay inside a word. */
function isWordCharacter(ch: string): boolean {
  return /^[\p{L}\p{Nd}\p{P}`]$/u.test(ch);
}

/** Upper-cases one code point at a time, never changing how many there are (as Go does). */
function toUpper(text: string): string {
  let out = "";
  for (const ch of text) {
    const upper = ch.toUpperCase();
    out += [...upper].length === 1 ? upper : ch;
  }
  return out;
}

/** Lower-cases one code point at a time, like Go's `strings.ToLower`. */
function toLower(text: string): string {
  let out = "";
  for (const ch of text) out += String.fromCodePoint(ch.toLowerCase().codePointAt(0) ?? 0);
  return out;
}

function capitalize(text: string): string {
  const [first = "", ...rest] = text;
  return toUpper(first) + rest.join("");
}

function trimWhere(text: string, strip: (ch: string) => boolean): string {
  const chars = [...text];
  let start = 0;
  let end = chars.length;
  while (start < end && strip(chars[start]!)) start++;
  while (end > start && strip(chars[end - 1]!)) end--;
  return chars.slice(start, end).join("");
}

/** A collected word with surrounding separators removed and acronyms upper-cased. */
function cleanWord(raw: string): string {
  let word = trimWhere(raw, isWhiteSpace);
  for (const separator of SEPARATORS) word = trimWhere(word, (ch) => ch === separator);
  const upper = toUpper(word);
  return ACRONYMS.has(upper) ? upper : word;
}

/** Splits a name into words the way flect does (see the module comment). */
function splitWords(text: string): string[] {
  const trimmed = trimWhere(text, isWhiteSpace);
  if (trimmed === "") return [];
  if (ACRONYMS.has(toUpper(trimmed))) return [toUpper(trimmed)];

  const words: string[] = [];
  let current = "";
  let previous = "";
  const flush = (): void => {
    const word = cleanWord(current);
    if (word !== "") words.push(word);
  };
  for (const ch of trimmed) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) continue; // not a valid code point
    const startsWord =
      isSeparator(ch) ||
      (isUpperCase(ch) && (!isUpperCase(previous) || ACRONYMS.has(toUpper(current))));
    if (startsWord) {
      flush();
      current = ch;
    } else if (isWordCharacter(ch)) {
      current += ch;
    } else {
      flush();
      current = "";
    }
    previous = ch;
  }
  flush();
  return words;
}

/** The longest known ending of `word`, compared case-sensitively. */
function longestEnding(word: string): string | undefined {
  for (let length = Math.min(word.length, LONGEST_ENDING); length > 0; length--) {
    const ending = word.slice(word.length - length);
    if (ENDINGS.has(ending)) return ending;
  }
  return undefined;
}

/**
 * Puts `replacement` in place of the last word. When the last word is not literally
 * the end of the input (an acronym that was upper-cased), flect appends instead.
 */
function replaceLastWord(input: string, lastWord: string, replacement: string): string {
  const stem = input.endsWith(lastWord) ? input.slice(0, input.length - lastWord.length) : input;
  return stem + replacement;
}

/**
 * Returns the plural of an English noun or of a compound name whose last word is a
 * noun, exactly as gobuffalo/flect v1.0.3 `Pluralize` does; the case of the input
 * is kept.
 *
 * @example
 * pluralize("CronJob"); // "CronJobs"
 * pluralize("NetworkPolicy"); // "NetworkPolicies"
 * pluralize("Person"); // "People"
 * pluralize("Endpoints"); // "Endpoints" (already plural)
 */
export function pluralize(word: string): string {
  const words = splitWords(word);
  const last = words[words.length - 1];
  if (last === undefined) return "";

  const wholeIrregular = PLURAL_OF.get(word);
  if (wholeIrregular !== undefined) return wholeIrregular;
  if (KNOWN_PLURALS.has(word)) return word;

  const lower = toLower(last);
  if (KNOWN_PLURALS.has(lower)) return word;
  const irregular = PLURAL_OF.get(lower);
  if (irregular !== undefined) {
    const capitalized = last === capitalize(last);
    return replaceLastWord(word, last, capitalized ? capitalize(irregular) : irregular);
  }

  const ending = longestEnding(last);
  if (ending !== undefined) {
    const stem = last.slice(0, last.length - ending.length);
    return replaceLastWord(word, last, stem + ENDINGS.get(ending)!);
  }

  return lower.endsWith("s") ? word : `${word}s`;
}

/**
 * The default plural resource name of a CRD kind, as controller-gen computes it:
 * the lower-cased {@link pluralize} of the kind.
 *
 * @example
 * defaultPlural("CronJob"); // "cronjobs"
 * defaultPlural("Ingress"); // "ingresses"
 */
export function defaultPlural(kind: string): string {
  return toLower(pluralize(kind));
}
