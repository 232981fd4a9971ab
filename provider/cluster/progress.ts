// Progress lines: `[cluster <name>] <phase>: <what> (<node>)`. Inside the Pulumi dynamic-provider host
// they go through pulumi.log.info (so `pulumi up` shows them); elsewhere (tests, scripts) to stderr.
// Never pass secrets here.

export type ProgressSink = (line: string) => void;

/**
 * Inside the dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`, launched by the engine) or a
 * Pulumi program. There pulumi.log.info reaches the engine (PULUMI_NODEJS_ENGINE) or falls back to
 * stdout, which the engine forwards for dynamic providers (reference/pulumi-dynamic-providers.md §5).
 */
export function insidePulumiEngine(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): boolean {
  if (env.PULUMI_NODEJS_ENGINE || env.PULUMI_NODEJS_PROJECT) return true;
  return argv.some((a) => /[/\\]cmd[/\\]dynamic-provider([/\\]index\.js)?$/.test(a));
}

export function defaultProgressSink(): ProgressSink {
  if (insidePulumiEngine()) {
    return (line) => {
      try {
        // Required here, not at module load, so that this module never captures pulumi (DESIGN rule 1).
        const pulumi: { log: { info(msg: string): Promise<void> | void } } = require("@pulumi/pulumi");
        void Promise.resolve(pulumi.log.info(line)).catch(() => console.error(line));
      } catch {
        console.error(line);
      }
    };
  }
  return (line) => console.error(line);
}

export class Progress {
  constructor(
    private readonly kind: string,
    private readonly name: string,
    private readonly sink: ProgressSink = defaultProgressSink(),
  ) {}

  line(phase: string, what: string, node?: string): void {
    this.sink(`[${this.kind} ${this.name}] ${phase}: ${what}${node ? ` (${node})` : ""}`);
  }
}
