import { ArgumentCountError, UnknownMethodError } from '@maskrcnn-zmq/shared';
import type { CallContext, Method } from '../methods/method.js';
import { builtins } from './builtins.js';

/** Finds the method a request names and checks its argument count, as zerorpc does. */
export class Dispatcher {
  private readonly methods: Map<string, Method>;

  constructor(serverName: string, publicMethods: readonly Method[]) {
    const all = [...publicMethods, ...builtins(serverName, publicMethods)];
    this.methods = new Map(all.map((method) => [method.name, method]));
  }

  /** Whether `name` is a method of this server (a built-in included). */
  knows(name: string): boolean {
    return this.methods.has(name);
  }

  /**
   * Runs `name(...args)`.
   * @throws {UnknownMethodError} (`NameError`) or {@link ArgumentCountError} (`TypeError`) before
   *   the method runs; whatever the method throws after.
   */
  call(name: string, args: unknown[], context: CallContext): Promise<unknown> {
    const method = this.methods.get(name);
    if (!method) throw new UnknownMethodError(`No such method: ${name}`);
    const most = method.args.length;
    const least = most - (method.optional?.length ?? 0);
    if (args.length < least || args.length > most) {
      const takes = least === most ? `${most}` : `${least} to ${most}`;
      throw new ArgumentCountError(
        `${name}() takes ${takes} positional argument${most === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`,
      );
    }
    return method.handler(args, context);
  }
}
