import { utils } from "ssh2";
import { generateHostKey } from "../../../simulator/node";

describe("host keys", () => {
  it("are always readable by ssh2 (its generator occasionally emits keys its parser rejects)", () => {
    const keys = Array.from({ length: 400 }, () => generateHostKey());
    expect(keys.filter((k) => utils.parseKey(k.private) instanceof Error)).toEqual([]);
    expect(new Set(keys.map((k) => k.public)).size).toBe(400);
    expect(keys[0].public).toMatch(/^ssh-ed25519 /);
  });
});
