import { createHmac } from "node:crypto";
import fc from "fast-check";
import { encodeValue, flattenParams } from "../../../provider/cloudstack/encoding";
import { canonicalString, formatExpires, signRequest, signature } from "../../../provider/cloudstack/signing";

const API_KEY = "plgWJfZK4gyS3mOMTVmjUVg-X-jlWlnfaUJ9GAbBbf9EdM-kAYMmAiLqzzq1ElZLYq_u38zCm0bewzGUdP66mg";
const SECRET = "VDaACYb0LV9eNjTetIOElcVQkvJck_J_QljX_FcHRj87ZKiy0z0ty0ZsYBkoXkY9b7eq1EhwJaw7FF3akA3KBQ";
const K = API_KEY.toLowerCase();

/** Java's URLEncoder.encode(s, "UTF-8") then "+" -> "%20", written byte by byte from its rules. */
function javaUrlEncoderReference(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (byte === 0x20) out += "%20";
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

const vectors: Array<{ params: Record<string, string>; canonical: string; signature: string }> = [
  {
    params: { apikey: API_KEY, command: "listUsers", response: "json" },
    canonical: `apikey=${K}&command=listusers&response=json`,
    signature: "TTpdDq/7j/J58XCRHomKoQXEQds=",
  },
  {
    params: {
      apiKey: API_KEY,
      command: "listZones",
      response: "json",
      signatureversion: "3",
      expires: "2030-01-01T00:00:00+0000",
      available: "true",
    },
    canonical: `apikey=${K}&available=true&command=listzones&expires=2030-01-01t00%3a00%3a00%2b0000&response=json&signatureversion=3`,
    signature: "L8AHhANcZcGhSwz/FsOb/vnFEYQ=",
  },
  {
    params: {
      apiKey: API_KEY,
      command: "deployVirtualMachine",
      response: "json",
      signatureversion: "3",
      expires: "2030-01-01T00:00:00+0000",
      zoneid: "1d8d87d4-1425-459c-8d81-c6f57dca2bd2",
      serviceofferingid: "498ce071-a077-4237-9492-e55c42553327",
      templateid: "50459b99-5fe0-11ea-9a56-1e006800018c",
      displayname: "Web Server #1 (a*b) ~x! it's",
      userdata: "I2Nsb3VkLWNvbmZpZwpydW5jbWQ6CiAgLSBlY2hvICJoaSIgPj4gL3RtcC94Cg==",
      "details[0].cpuNumber": "2",
      "iptonetworklist[0].networkid": "87503ba2-d59d-4a5e-8f7f-b3f486cedbd8",
      "iptonetworklist[0].ip": "10.1.1.10",
      name: "web-1",
      keypairs: "k1,k2",
    },
    canonical:
      `apikey=${K}&command=deployvirtualmachine&details[0].cpunumber=2&displayname=web%20server%20%231%20%28a*b%29%20%7ex%21%20it%27s` +
      "&expires=2030-01-01t00%3a00%3a00%2b0000&iptonetworklist[0].ip=10.1.1.10&iptonetworklist[0].networkid=87503ba2-d59d-4a5e-8f7f-b3f486cedbd8" +
      "&keypairs=k1%2ck2&name=web-1&response=json&serviceofferingid=498ce071-a077-4237-9492-e55c42553327&signatureversion=3" +
      "&templateid=50459b99-5fe0-11ea-9a56-1e006800018c&userdata=i2nsb3vklwnvbmzpzwpydw5jbwq6ciaglsbly2hvicjoasigpj4gl3rtcc94cg%3d%3d" +
      "&zoneid=1d8d87d4-1425-459c-8d81-c6f57dca2bd2",
    signature: "NnElQyLNLlXqd6lGJwLEyLt5GTs=",
  },
  {
    params: {
      apiKey: API_KEY,
      command: "listVirtualMachines",
      response: "json",
      "tags[0].key": "env",
      "tags[0].value": "prod/eu",
      keyword: "café ü",
      listall: "true",
    },
    canonical: `apikey=${K}&command=listvirtualmachines&keyword=caf%c3%a9%20%c3%bc&listall=true&response=json&tags[0].key=env&tags[0].value=prod%2feu`,
    signature: "+JJ9a7EAUY7LBYQKyq8HlyHJZPA=",
  },
];

describe("reference §1.4 vectors", () => {
  it.each(vectors.map((v, i) => [i + 1, v] as const))("vector %i: canonical string and signature", (_n, vector) => {
    expect(canonicalString(vector.params)).toBe(vector.canonical);
    expect(signature(vector.params, SECRET)).toBe(vector.signature);
  });

  it("ignores a signature parameter in any case", () => {
    const v = vectors[0]!;
    expect(signature({ ...v.params, Signature: "junk" }, SECRET)).toBe(v.signature);
  });
});

describe("canonical ordering", () => {
  it("sorts names case-sensitively as sent, then lowercases (templateId before templatefilter)", () => {
    expect(canonicalString({ templatefilter: "all", templateId: "x" })).toBe("templateid=x&templatefilter=all");
    expect(canonicalString({ templatefilter: "all", templateid: "x" })).toBe("templatefilter=all&templateid=x");
  });
});

const specialChars = fc.constantFrom(..."~!'()*+/=,: ".split(""));
const specialString = fc.array(fc.oneof(specialChars, fc.constantFrom("a", "Z", "9", "é", "😀")), { maxLength: 30 }).map((cs) => cs.join(""));
const anyValue = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), specialString);

describe("value encoding (property)", () => {
  it("equals Java's URLEncoder (with + as %20) on random Unicode and reserved characters", () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(encodeValue(value)).toBe(javaUrlEncoderReference(value));
      }),
      { numRuns: 500 },
    );
  });

  it("canonical strings are fully lowercase and sorted by name", () => {
    const name = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,8}(\[[0-9]\]\.[a-z]{1,5})?$/);
    fc.assert(
      fc.property(fc.dictionary(name, anyValue, { minKeys: 1, maxKeys: 8 }), (params) => {
        const canonical = canonicalString(params);
        expect(canonical).toBe(canonical.toLowerCase());
        const names = canonical.split("&").map((pair) => pair.slice(0, pair.indexOf("=")));
        const expected = Object.keys(params)
          .filter((n) => n.toLowerCase() !== "signature")
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          .map((n) => n.toLowerCase());
        expect(names).toEqual(expected);
        // Every value appears exactly as the reference encoder renders it, lowercased.
        const pairs = Object.keys(params)
          .filter((n) => n.toLowerCase() !== "signature")
          .map((n) => `${n}=${javaUrlEncoderReference(params[n]!)}`.toLowerCase());
        for (const pair of pairs) expect(canonical.split("&")).toContain(pair);
      }),
      { numRuns: 200 },
    );
  });
});

describe("signRequest", () => {
  it("adds apikey, response=json, signatureversion=3, expires a few minutes ahead, and a valid signature", () => {
    const now = new Date("2030-01-01T00:00:00.000Z");
    const signed = signRequest({ command: "listZones" }, { apiKey: API_KEY, secretKey: SECRET }, now);
    expect(signed.apikey).toBe(API_KEY);
    expect(signed.response).toBe("json");
    expect(signed.signatureversion).toBe("3");
    expect(signed.expires).toBe("2030-01-01T00:05:00+0000");
    const { signature: sig, ...rest } = signed;
    const independent = createHmac("sha1", SECRET)
      .update(
        Object.keys(rest)
          .sort()
          .map((k) => `${k}=${javaUrlEncoderReference(rest[k]!)}`)
          .join("&")
          .toLowerCase(),
      )
      .digest("base64");
    expect(sig).toBe(independent);
  });

  it("formats expires as yyyy-MM-dd'T'HH:mm:ssZ in UTC", () => {
    expect(formatExpires(new Date(Date.UTC(2031, 11, 9, 3, 4, 5, 678)))).toBe("2031-12-09T03:04:05+0000");
  });
});

describe("flattenParams", () => {
  it("lowercases names, joins lists, expands tags/details/record lists and drops undefined", () => {
    expect(
      flattenParams({
        zoneId: "z",
        size: 3,
        startvm: false,
        keypairs: ["k1", "k2"],
        tags: { "cks-cluster": "c1", role: "control" },
        details: { cpuNumber: "2", memory: "2048" },
        nodeofferings: [
          { node: "control", offering: "o1" },
          { node: "worker", offering: "o2" },
        ],
        affinitygroupids: [],
        account: undefined,
      }),
    ).toEqual({
      zoneid: "z",
      size: "3",
      startvm: "false",
      keypairs: "k1,k2",
      "tags[0].key": "cks-cluster",
      "tags[0].value": "c1",
      "tags[1].key": "role",
      "tags[1].value": "control",
      "details[0].cpunumber": "2",
      "details[0].memory": "2048",
      "nodeofferings[0].node": "control",
      "nodeofferings[0].offering": "o1",
      "nodeofferings[1].node": "worker",
      "nodeofferings[1].offering": "o2",
    });
  });

  it("refuses non-finite numbers", () => {
    expect(() => flattenParams({ size: Number.NaN })).toThrow(/size must be a finite number/);
  });
});
