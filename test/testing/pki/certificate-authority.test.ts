import { X509Certificate } from "node:crypto";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CertificateAuthority } from "../../../src/testing/pki/certificate-authority.js";

describe("CertificateAuthority", () => {
  it("issues serving and client certificates that chain to it and carry names and groups", async () => {
    const ca = await CertificateAuthority.create("test-ca");
    const authority = new X509Certificate(ca.cert);
    expect(authority.ca).toBe(true);
    const serving = new X509Certificate((await ca.issueServing(["localhost", "127.0.0.1"])).cert);
    expect(serving.checkIssued(authority)).toBe(true);
    expect(serving.verify(authority.publicKey)).toBe(true);
    expect(serving.ca).toBe(false);
    expect(serving.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    const client = new X509Certificate((await ca.issueClient("admin", ["system:masters"])).cert);
    expect(client.checkIssued(authority)).toBe(true);
    // PKI.js writes the subject as one multi-valued RDN; Go's x509 (the API server) reads every value of it.
    expect(client.subject.split(/\s*\+\s*|\n/)).toEqual(["O=system:masters", "CN=admin"]);
  });

  it("lets a TLS server and a client verify each other", async () => {
    const ca = await CertificateAuthority.create();
    const serving = await ca.issueServing(["127.0.0.1"]);
    const client = await ca.issueClient("someone", ["team"]);
    const server = https.createServer({ ...serving, ca: ca.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as import("node:tls").TLSSocket).getPeerCertificate();
      res.end(peer.subject.CN);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: "127.0.0.1", port, ca: ca.cert, cert: client.cert, key: client.key }, (res) => {
            let text = "";
            res.on("data", (d: Buffer) => (text += d.toString()));
            res.on("end", () => resolve(text));
          })
          .on("error", reject);
      });
      expect(body).toBe("someone");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
