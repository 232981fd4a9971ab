// SYSTEM templates (CKS's default SystemVM node template) cannot be deployed through the plain API:
// the validate phase refuses them before anything is created, naming the field.
import { validatePhase } from "../../../provider/cluster/phases/validate";
import { cloudWithVersion, context, inputs } from "./helpers";

function cloudWithSystemTemplate() {
  const cloud = cloudWithVersion();
  cloud.templates.push({ id: "tmpl-sys", name: "SystemVM Template (KVM)", isready: true, forcks: true, templatetype: "SYSTEM" });
  return cloud;
}

describe("validate phase: SYSTEM templates", () => {
  it.each([
    ["templateId", { templateId: "tmpl-sys" }],
    ["nodeTemplates.worker", { nodeTemplates: { worker: "tmpl-sys" } }],
    ["nodeTemplates.control", { templateId: "tmpl-1", nodeTemplates: { control: "tmpl-sys" } }],
  ])("refuses a SYSTEM template given as %s, naming the field and why", async (field, patch) => {
    const cloud = cloudWithSystemTemplate();
    const err = validatePhase(context(cloud, inputs(patch)));
    await expect(err).rejects.toThrow(new RegExp(`${field.replace(".", "\\.")}: template SystemVM Template \\(KVM\\) is a SYSTEM template`));
    await expect(validatePhase(context(cloudWithSystemTemplate(), inputs(patch)))).rejects.toThrow(/CKS node VM type, which the plain API this provider uses cannot request/);
    expect(cloud.calls.filter((c) => !c.command.startsWith("list"))).toEqual([]);
  });

  it("a USER template passes, and the forcks fallback skips a SYSTEM template", async () => {
    const cloud = cloudWithSystemTemplate();
    cloud.templates.reverse(); // the SYSTEM template is listed first
    const ctx = context(cloud, inputs());
    await validatePhase(ctx);
    expect(ctx.facts.templateIds?.control).toBe("tmpl-1");
    expect(ctx.facts.templateIds?.worker).toBe("tmpl-1");
  });
});
