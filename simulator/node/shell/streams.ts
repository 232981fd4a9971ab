// Byte streams between commands. Standard input is consumed by the first command that reads it,
// as a real pipe would be; output goes to sinks (the channel, a buffer, a file, /dev/null).

export type Sink = (data: Buffer) => void;

export class StdinSource {
  constructor(private buf: Buffer) {}
  take(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }
  /** One line without its newline (for `read`); undefined at end of input. */
  takeLine(): string | undefined {
    if (this.buf.length === 0) return undefined;
    const nl = this.buf.indexOf(0x0a);
    const line = this.buf.subarray(0, nl < 0 ? this.buf.length : nl).toString("utf8");
    this.buf = nl < 0 ? Buffer.alloc(0) : this.buf.subarray(nl + 1);
    return line;
  }
}

export interface Streams {
  stdin: StdinSource;
  out: Sink;
  err: Sink;
  signal: AbortSignal;
}

export class ExitSignal extends Error {
  constructor(public readonly code: number) {
    super(`exit ${code}`);
    this.name = "ExitSignal";
  }
}

export function toBuffer(data: string | Buffer): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data, "utf8");
}

export class Collector {
  private readonly chunks: Buffer[] = [];
  readonly sink: Sink = (d) => {
    this.chunks.push(d);
  };
  buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
  text(): string {
    return this.buffer().toString("utf8");
  }
}

/** break / continue unwinding to the enclosing loop. */
export class LoopSignal extends Error {
  constructor(
    public readonly kind: "break" | "continue",
    public readonly levels: number,
  ) {
    super(kind);
    this.name = "LoopSignal";
  }
}

/** `return` unwinding to the enclosing function call (or sourced file / script). */
export class ReturnSignal extends Error {
  constructor(public readonly code: number) {
    super(`return ${code}`);
    this.name = "ReturnSignal";
  }
}
