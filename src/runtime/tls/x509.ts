import { createPrivateKey, randomBytes, webcrypto } from "node:crypto";
import { isIP } from "node:net";
// Node's crypto signs and generates keys but cannot build an X.509 certificate, so the
// certificate's ASN.1 structure comes from PKI.js (with asn1js, the ASN.1 library it is built
// on): pure JavaScript, no native code, maintained by PeculiarVentures, runs on Node >= 16, and
// unlike @peculiar/x509 it needs no global `reflect-metadata` polyfill. The keys and the
// signature are Node's own WebCrypto. Both are loaded on first use: only a secure metrics
// server without a certificate of its own, and the testing kit's certificate authority, need
// them.
import type * as Asn1js from "asn1js";
import type * as Pkijs from "pkijs";

/** An ECDSA P-256 key pair of WebCrypto, as {@link generateKeyPair} makes it. */
export type KeyPair = webcrypto.CryptoKeyPair;

/** What a certificate is for. */
export type KeyUsage = "serverAuth" | "clientAuth";

/** What {@link buildCertificate} takes. */
export interface CertificateRequest {
  /** The subject's common name (cut to 64 characters, RFC 5280's bound). */
  readonly commonName: string;
  /** The subject's organizations (Kubernetes reads them as the user's groups). */
  readonly organizations?: readonly string[] | undefined;
  /** DNS names and IP addresses (subject alternative names). */
  readonly hosts?: readonly string[] | undefined;
  /** A certificate authority (may sign others) rather than a leaf. */
  readonly isCA?: boolean | undefined;
  /** Extended key usages of a leaf (default: none listed). */
  readonly usages?: readonly KeyUsage[] | undefined;
  /** The start of validity (default now; backdated a minute for clock skew). */
  readonly now?: Date | undefined;
  /** Days of validity (default 365). */
  readonly validityDays?: number | undefined;
  /** The subject's key pair. */
  readonly keys: KeyPair;
  /** The issuer: its certificate's subject and private key. Absent: self-signed. */
  readonly issuer?: { readonly certificate: Pkijs.Certificate; readonly privateKey: webcrypto.CryptoKey } | undefined;
}

const ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;
/** GeneralName choices (RFC 5280): dNSName and iPAddress. */
const DNS_NAME = 2;
const IP_ADDRESS = 7;
/** keyUsage bits, first octet: digitalSignature (bit 0), keyCertSign (5), cRLSign (6). ECDSA keys sign; they encipher nothing. */
const DIGITAL_SIGNATURE = 0x80;
const KEY_CERT_SIGN = 0x04;
const CRL_SIGN = 0x02;

let modules: Promise<{ asn1js: typeof Asn1js; pkijs: typeof Pkijs }> | undefined;

/** asn1js and PKI.js, loaded once on first use. */
export function loadAsn1(): Promise<{ asn1js: typeof Asn1js; pkijs: typeof Pkijs }> {
  modules ??= Promise.all([import("asn1js"), import("pkijs")]).then(([asn1js, pkijs]) => ({ asn1js, pkijs }));
  return modules;
}

/** A new ECDSA P-256 key pair (extractable, so that the private key can be written as PEM). */
export async function generateKeyPair(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(ECDSA_P256, true, ["sign", "verify"]);
}

/** Builds and signs one X.509 v3 certificate (ECDSA with SHA-256). */
export async function buildCertificate(request: CertificateRequest): Promise<Pkijs.Certificate> {
  const validityDays = request.validityDays ?? 365;
  if (!(validityDays > 0)) throw new RangeError(`certificate validity must be a positive number of days, got ${validityDays}`);
  const now = request.now ?? new Date();
  const { asn1js, pkijs } = await loadAsn1();
  const engine = new pkijs.CryptoEngine({ name: "node", crypto: webcrypto });

  const certificate = new pkijs.Certificate();
  certificate.version = 2; // X.509 v3
  certificate.serialNumber = new asn1js.Integer({ valueHex: serialNumber() });
  const attribute = (type: string, value: string): Pkijs.AttributeTypeAndValue =>
    new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) });
  // PKI.js writes these as one multi-valued RDN; Go's x509, which the API server uses, reads
  // every value of it (organizations become the user's groups, the common name its name).
  for (const organization of request.organizations ?? []) certificate.subject.typesAndValues.push(attribute(OID.organization, organization));
  certificate.subject.typesAndValues.push(attribute(OID.commonName, request.commonName.slice(0, 64)));
  certificate.issuer = request.issuer ? request.issuer.certificate.subject : certificate.subject;
  certificate.notBefore.value = new Date(now.getTime() - 60_000);
  certificate.notAfter.value = new Date(now.getTime() + validityDays * 86_400_000);

  const extension = (extnID: string, critical: boolean, value: Asn1js.AsnType): Pkijs.Extension =>
    new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
  const bits = request.isCA ? DIGITAL_SIGNATURE | KEY_CERT_SIGN | CRL_SIGN : DIGITAL_SIGNATURE;
  // The key usage bit string, with the unused low bits of its one octet counted.
  const unusedBits = Math.min(7, Math.log2(bits & -bits));
  const extensions = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: request.isCA === true }).toSchema()),
    extension(OID.keyUsage, true, new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits })),
  ];
  const usages = request.usages ?? [];
  if (usages.length > 0) extensions.push(extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: usages.map((u) => OID[u]) }).toSchema()));
  const hosts = request.hosts ?? [];
  if (hosts.length > 0) {
    const generalName = (host: string): Pkijs.GeneralName => {
      const family = isIP(host);
      if (family === 0) return new pkijs.GeneralName({ type: DNS_NAME, value: host });
      return new pkijs.GeneralName({ type: IP_ADDRESS, value: new asn1js.OctetString({ valueHex: ipBytes(host, family) }) });
    };
    extensions.push(extension(OID.subjectAltName, false, new pkijs.AltName({ altNames: hosts.map(generalName) }).toSchema()));
  }
  await certificate.subjectPublicKeyInfo.importKey(request.keys.publicKey, engine);
  if (request.isCA) {
    // A subject key identifier lets verifiers match issued certificates to this authority.
    const id = Buffer.from(await webcrypto.subtle.digest("SHA-1", certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
    extensions.push(extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: new Uint8Array(id).buffer })));
  }
  certificate.extensions = extensions;
  await certificate.sign(request.issuer?.privateKey ?? request.keys.privateKey, "SHA-256", engine);
  return certificate;
}

/** A certificate as PEM text. */
export function certificatePem(certificate: Pkijs.Certificate): Buffer {
  const der = Buffer.from(certificate.toSchema().toBER(false));
  return Buffer.from(`-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").trimEnd()}\n-----END CERTIFICATE-----\n`);
}

/** A private key as PKCS #8 PEM text. */
export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<Buffer> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return Buffer.from(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }));
}

/** 128 random bits, positive (RFC 5280 allows up to 20 octets). */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f || 0x01;
  return new Uint8Array(bytes).buffer;
}

/** The network-order bytes of an IPv4 or IPv6 address (`isIP` said which). */
export function ipBytes(ip: string, family: number): ArrayBuffer {
  if (family === 4) return new Uint8Array(ip.split(".").map(Number)).buffer;
  let text = ip.replace(/%.*$/, ""); // a zone ("fe80::1%eth0") is not part of the address
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text); // an embedded IPv4 tail is the last two words
  if (v4) {
    const [a = 0, b = 0, c = 0, d = 0] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const words = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const all = tail === undefined ? words(head) : [...words(head), ...Array<string>(8 - words(head).length - words(tail).length).fill("0"), ...words(tail)];
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    const value = parseInt(word, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes.buffer;
}
