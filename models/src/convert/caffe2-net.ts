/**
 * Caffe2 NetDefs read with protobufjs from the schema subset in caffe2.proto. A model-zoo
 * model is two NetDefs: the predict net (operators over named blobs) and the init net (one
 * fill operator per weight blob).
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { ConversionError } from '../errors.js';

/** An operator argument; exactly one value field is meaningful, as in Caffe2. */
export interface Argument {
  name: string;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
}

export interface OperatorDef {
  input: string[];
  output: string[];
  name: string;
  type: string;
  arg: Argument[];
}

export interface NetDef {
  name: string;
  op: OperatorDef[];
  externalInput: string[];
  externalOutput: string[];
}

// The schema ships as source beside this package's compiled code: dist/src/convert/ → src/convert/.
const SCHEMA = fileURLToPath(new URL('../../../src/convert/caffe2.proto', import.meta.url));
let netDefType: protobuf.Type | undefined;

/**
 * Decodes a serialized NetDef. int64 fields arrive as JS numbers (every value in a model zoo
 * net fits in 53 bits).
 * @throws {ConversionError} when the bytes are not a NetDef.
 */
export function decodeNetDef(bytes: Uint8Array, what: string): NetDef {
  netDefType ??= protobuf.loadSync(SCHEMA).lookupType('caffe2.NetDef');
  try {
    const message = netDefType.decode(bytes);
    return netDefType.toObject(message, { longs: Number, arrays: true, defaults: false }) as NetDef;
  } catch (error) {
    throw new ConversionError(`${what} is not a Caffe2 NetDef: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The arguments of an operator by name, with typed getters that name what is missing. */
export class Args {
  private readonly byName: Map<string, Argument>;

  constructor(private readonly op: OperatorDef) {
    this.byName = new Map(op.arg.map((a) => [a.name, a]));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private get(name: string): Argument {
    const arg = this.byName.get(name);
    if (!arg) {
      throw new ConversionError(`${this.op.type} → ${this.op.output[0]} has no argument '${name}'`);
    }
    return arg;
  }

  int(name: string, fallback?: number): number {
    if (fallback !== undefined && !this.has(name)) return fallback;
    return this.get(name).i ?? 0;
  }

  float(name: string, fallback?: number): number {
    if (fallback !== undefined && !this.has(name)) return fallback;
    return this.get(name).f ?? 0;
  }

  string(name: string, fallback?: string): string {
    if (fallback !== undefined && !this.has(name)) return fallback;
    return Buffer.from(this.get(name).s ?? []).toString('utf8');
  }

  ints(name: string): number[] {
    return this.get(name).ints;
  }

  floats(name: string): number[] {
    return this.get(name).floats;
  }

  bytes(name: string): Uint8Array {
    return this.get(name).s ?? new Uint8Array();
  }
}
