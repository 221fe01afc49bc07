import { createPrivateKey, X509Certificate } from "node:crypto";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { generateSelfSignedCertificate } from "../../../src/runtime/metrics/self-signed-cert.js";

describe("generateSelfSignedCertificate", () => {
  it("makes an ECDSA P-256 serving certificate for localhost, the loopback addresses and this host", async () => {
    const pair = await generateSelfSignedCertificate({ now: new Date("2030-01-01T00:00:00Z") });
    const leaf = new X509Certificate(pair.cert);
    const own = ["localhost", "127.0.0.1", "::1"].includes(hostname()) ? "" : `, DNS:${hostname()}`;
    expect(leaf.subjectAltName).toBe(`DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1${own}`);
    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // Node reports the extended key usage: serverAuth
    expect(leaf.verify(leaf.publicKey)).toBe(true); // self-signed
    expect(leaf.checkPrivateKey(createPrivateKey(pair.key))).toBe(true);
    expect(leaf.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: "prime256v1" });
    expect(new Date(leaf.validFrom).toISOString()).toBe("2029-12-31T23:59:00.000Z");
    expect(new Date(leaf.validTo).toISOString()).toBe("2031-01-01T00:00:00.000Z");
    expect(pair.fingerprint256).toBe(leaf.fingerprint256);
    expect(pair.validTo).toBe(leaf.validTo);
  });

  it("encodes the given DNS names and IPv4/IPv6 addresses, with a fresh serial each time", async () => {
    const hosts = ["metrics.example.svc", "10.0.0.7", "fd00::1:2", "::ffff:192.168.1.2", "2001:db8:0:0:1:0:0:1"];
    const a = new X509Certificate((await generateSelfSignedCertificate({ hosts, validityDays: 1 })).cert);
    const b = new X509Certificate((await generateSelfSignedCertificate({ hosts, validityDays: 1 })).cert);
    expect(a.subjectAltName).toBe(
      "DNS:metrics.example.svc, IP Address:10.0.0.7, IP Address:FD00:0:0:0:0:0:1:2, IP Address:0:0:0:0:0:FFFF:C0A8:102, IP Address:2001:DB8:0:0:1:0:0:1",
    );
    expect(a.checkHost("metrics.example.svc")).toBe("metrics.example.svc");
    expect(a.checkIP("fd00::1:2")).toBe("fd00::1:2");
    expect(a.subject).toMatch(/^CN=metrics\.example\.svc@\d+$/);
    expect(a.serialNumber).not.toBe(b.serialNumber);
  });

  it("refuses no hosts and a non-positive validity", async () => {
    await expect(generateSelfSignedCertificate({ hosts: [] })).rejects.toThrow(/at least one/);
    await expect(generateSelfSignedCertificate({ validityDays: 0 })).rejects.toThrow(/positive/);
  });
});
