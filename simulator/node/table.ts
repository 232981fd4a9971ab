// The command table shared by all machines of one runtime: tools by name (what a stand-in file
// declares) and service hooks by unit name (without the ".service" suffix).
import type { CommandTable, NodeCommand, ServiceHook } from "./types";

export function unitName(unit: string): string {
  return unit.replace(/\.service$/, "");
}

export class SimCommandTable implements CommandTable {
  private readonly commands = new Map<string, NodeCommand>();
  private readonly hooks = new Map<string, ServiceHook>();

  register(name: string, command: NodeCommand): void {
    this.commands.set(name, command);
  }

  registerService(unit: string, hook: ServiceHook): void {
    this.hooks.set(unitName(unit), hook);
  }

  command(name: string): NodeCommand | undefined {
    return this.commands.get(name);
  }

  hook(unit: string): ServiceHook | undefined {
    return this.hooks.get(unitName(unit));
  }

  commandNames(): string[] {
    return [...this.commands.keys()].sort();
  }
}
