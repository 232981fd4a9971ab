// Real cloud-init's schema check (`cloud-init schema --config-file`) on every userdata shape the provider
// produces, each MIME part on its own. In CI a missing cloud-init fails (realTool); .ci/install.d/cloud-init.sh.
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { realTool } from "../helpers/realTools";
import { cloudConfigs, LOOSE_SHAPES, renderNodeUserData, SHAPES } from "./userdataShapes";

const cloudInit = realTool("cloud-init", "apt-get install -y cloud-init python3-yaml (.ci/install.d/cloud-init.sh)");

const dir = mkdtempSync(join(tmpdir(), "cloud-init-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function schemaCheck(name: string, doc: string): { status: number | null; output: string } {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, doc);
  const r = spawnSync(cloudInit.require(), ["schema", "--config-file", file], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("rendered userdata passes `cloud-init schema`", () => {
  cloudInit.it("rejects an invalid document (the check itself works)", () => {
    expect(schemaCheck("invalid", "#cloud-config\nusers: 5\n").status).not.toBe(0);
  });

  cloudInit.it.each(SHAPES)("%s", (name, input) => {
    const r = renderNodeUserData(input);
    const docs = cloudConfigs(r);
    expect(docs.length).toBe(1 + (input.extraCloudConfigParts?.length ?? 0));
    docs.forEach((doc, i) => {
      const result = schemaCheck(`${name}-${i}`, doc);
      expect(result.output).toContain("Valid cloud-config");
      expect(result.status).toBe(0);
    });
  });

  // What the simulator's schema warning stands for: the user's unquoted mode is an int, and the schema
  // wants a string (cloud-init 24.4 then finishes "degraded done"). The provider passes it through as written.
  cloudInit.it.each(LOOSE_SHAPES)("%s: the user's part fails the schema exactly where the simulator warns", (name, input) => {
    const docs = cloudConfigs(renderNodeUserData(input));
    expect(schemaCheck(`${name}-0`, docs[0] as string).status).toBe(0);
    const user = schemaCheck(`${name}-1`, docs[1] as string);
    expect(user.status).not.toBe(0);
    expect(user.output).toContain("write_files.0.permissions: 493 is not of type 'string'");
  });
});
