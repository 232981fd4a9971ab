// A create/update that failed after creating something: the dynamic-provider host turns an error
// carrying `id` and `properties` into ErrorResourceInitFailed, so Pulumi keeps the partial state and
// the next `pulumi up` calls update() on it (which resumes), and `pulumi destroy` can clean up.
export class ResourceInitError extends Error {
  override name = "ResourceInitError";
  readonly reasons: string[];
  constructor(message: string, public readonly id: string, public readonly properties: Record<string, unknown>) {
    super(message);
    this.reasons = [message];
  }
}

/** The host does not add `__provider` to error properties itself; copy it from the inputs. */
export function withProvider(properties: Record<string, unknown>, inputs: Record<string, unknown>): Record<string, unknown> {
  return inputs.__provider !== undefined ? { ...properties, __provider: inputs.__provider } : properties;
}
