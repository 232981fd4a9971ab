// A command failure: the message goes to stderr as the real tool prints it, with its exit code.
export class CommandFailure extends Error {
  constructor(
    message: string,
    public readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CommandFailure";
  }
}

/** kubeadm's wording for an error in a workflow phase. */
export function phaseFailure(phase: string, message: string): CommandFailure {
  return new CommandFailure(`error execution phase ${phase}: ${message}\nTo see the stack trace of this error execute with --v=5 or higher`);
}

export interface PreflightIssue {
  /** Check name as kubeadm spells it (ImagePull, DirAvailable--etc-kubernetes-manifests, ...). */
  name: string;
  message: string;
  /** A check that only warns (InPathCheck with mandatory: false in kubeadm's checks.go). */
  warning?: boolean;
}

/**
 * Apply --ignore-preflight-errors: ignored issues are returned as warning lines, the rest throw
 * kubeadm's "Some fatal errors occurred" failure.
 */
export function settlePreflight(issues: PreflightIssue[], ignored: string[]): string[] {
  const ignore = new Set(ignored.map((s) => s.toLowerCase()));
  const ignoreAll = ignore.has("all");
  const warnings: string[] = [];
  const fatal: PreflightIssue[] = [];
  for (const issue of issues) {
    if (issue.warning || ignoreAll || ignore.has(issue.name.toLowerCase())) warnings.push(`\t[WARNING ${issue.name}]: ${issue.message}`);
    else fatal.push(issue);
  }
  if (fatal.length > 0) {
    const lines = fatal.map((i) => `\t[ERROR ${i.name}]: ${i.message}`).join("\n");
    throw new CommandFailure(
      `${warnings.map((w) => w + "\n").join("")}error execution phase preflight: [preflight] Some fatal errors occurred:\n${lines}\n[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\nTo see the stack trace of this error execute with --v=5 or higher`,
    );
  }
  return warnings;
}
