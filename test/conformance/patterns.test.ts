// Conformance: schema patterns are Go regular expressions (RE2 syntax). A CRD generated with
// patterns JavaScript's RegExp would refuse is installed, and both servers accept and reject
// the same values by them; a CRD with patterns Go's regexp refuses is rejected by both alike.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { eventually, forEachBackend, invalidStatus, statusOf } from "./helpers.js";

const GENERATED = join(import.meta.dirname, "../../fixtures/generate/patterns-re2/expected/crd");
const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/** The CRD kb generates for fixtures/generate/patterns-re2 (its golden output). */
function generatedCrd(): Record<string, unknown> {
  const [file] = readdirSync(GENERATED);
  return parse(readFileSync(join(GENERATED, file!), "utf8")) as Record<string, unknown>;
}

/** [field, value, the pattern it must match (rejected) or undefined (accepted)]. */
const VALUES: readonly (readonly [string, unknown, string | undefined])[] = [
  ["word", "abc", undefined],
  ["word", "ab1", "^[[:alpha:]]+$"],
  ["word", "é", "^[[:alpha:]]+$"],
  ["plain", "héllo", undefined],
  ["plain", "a-b", "^[^[:punct:]\\s]+$"],
  ["plain", "a b", "^[^[:punct:]\\s]+$"],
  ["answer", "YES", undefined],
  ["answer", "No", undefined],
  ["answer", "maybe", "(?i)^(yes|no)$"],
  ["name", "abc", undefined],
  ["name", "abc\n", "^[a-z]+\\z"],
  ["version", "1.2+7", undefined],
  ["version", "1.22", "^\\Q1.2+\\E[0-9]*$"],
  ["greek", "αβγ", undefined],
  ["greek", "abc", "^\\p{Greek}+$"],
  ["brace", "x{", undefined],
  ["brace", "x", undefined],
  ["brace", "xx", "^x{?$"],
];

forEachBackend("conformance: patterns are Go regular expressions", (backend) => {
  it("installs the generated CRD and accepts and rejects the same values by its patterns", async () => {
    const b = backend();
    const ns = await b.namespace();
    expect((await b.post(CRDS, generatedCrd())).status).toBe(201);
    const path = `/apis/patterns.example.com/v1/namespaces/${ns}/matchers`;
    const matcher = (name: string, spec: object) => ({ apiVersion: "patterns.example.com/v1", kind: "Matcher", metadata: { name }, spec });
    await eventually(async () => (await b.post(path, matcher("probe", {}))).status === 201, "the new kind is served");
    let n = 0;
    for (const [field, value, pattern] of VALUES) {
      const name = `m${++n}`;
      const answer = await b.post(path, matcher(name, { [field]: value }));
      if (pattern === undefined) {
        expect([field, value, answer.status]).toEqual([field, value, 201]);
        continue;
      }
      expect(statusOf(answer)).toEqual(
        invalidStatus(`Matcher.patterns.example.com "${name}" is invalid`, { name, group: "patterns.example.com", kind: "Matcher" }, [
          { field: `spec.${field}`, reason: "FieldValueInvalid", message: `Invalid value: ${JSON.stringify(value)}: spec.${field} in body should match '${pattern}'` },
        ]),
      );
    }
    const items = await b.post(path, matcher("labels", { labels: ["ok", "Not-ok", "x1-y"] }));
    expect(statusOf(items)).toEqual(
      invalidStatus('Matcher.patterns.example.com "labels" is invalid', { name: "labels", group: "patterns.example.com", kind: "Matcher" }, [
        { field: "spec.labels[1]", reason: "FieldValueInvalid", message: 'Invalid value: "Not-ok": spec.labels[1] in body should match \'^[[:lower:]][[:lower:][:digit:]-]*\\z\'' },
      ]),
    );
  });

  it("rejects a CRD whose patterns Go's regexp refuses, naming each with Go's message", async () => {
    const b = backend();
    const patterns = { lookahead: "^(?=.*[0-9]).+$", backreference: "^(a+)\\1$", perlEnd: "^a\\Z", unknownScript: "\\p{Garay}", braces: "}{??" };
    const name = "refuseds.re2.conformance.example.com";
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name },
      spec: {
        group: "re2.conformance.example.com",
        names: { kind: "Refused", plural: "refuseds" },
        scope: "Namespaced",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: {
                  spec: {
                    type: "object",
                    properties: {
                      ...Object.fromEntries(Object.entries(patterns).map(([k, pattern]) => [k, { type: "string", pattern }])),
                      list: { type: "array", items: { type: "string", pattern: "(?<!x)y" } },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const at = (path: string) => `spec.validation.openAPIV3Schema.properties[spec].${path}.pattern`;
    expect(statusOf(await b.post(CRDS, crd))).toEqual(
      invalidStatus(`CustomResourceDefinition.apiextensions.k8s.io "${name}" is invalid`, { name, group: "apiextensions.k8s.io", kind: "CustomResourceDefinition" }, [
        { field: at("properties[lookahead]"), reason: "FieldValueInvalid", message: "Invalid value: \"^(?=.*[0-9]).+$\": must be a valid regular expression, but isn't: error parsing regexp: invalid or unsupported Perl syntax: `(?=`" },
        { field: at("properties[backreference]"), reason: "FieldValueInvalid", message: "Invalid value: \"^(a+)\\\\1$\": must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: `\\1`" },
        { field: at("properties[perlEnd]"), reason: "FieldValueInvalid", message: "Invalid value: \"^a\\\\Z\": must be a valid regular expression, but isn't: error parsing regexp: invalid escape sequence: `\\Z`" },
        { field: at("properties[unknownScript]"), reason: "FieldValueInvalid", message: "Invalid value: \"\\\\p{Garay}\": must be a valid regular expression, but isn't: error parsing regexp: invalid character class range: `\\p{Garay}`" },
        { field: at("properties[list].items"), reason: "FieldValueInvalid", message: "Invalid value: \"(?<!x)y\": must be a valid regular expression, but isn't: error parsing regexp: invalid named capture: `(?<!x)y`" },
      ]),
    );
    expect((await b.get(`${CRDS}/${name}`)).status).toBe(404);
  });
});
