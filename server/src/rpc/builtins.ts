import { BUILTIN, UnknownMethodError } from '@maskrcnn-zmq/shared';
import type { Method } from '../methods/method.js';

/**
 * zerorpc's `_zerorpc_*` built-ins, read from the same method list that dispatch uses, so what
 * `_zerorpc_inspect` shows is what can be called.
 */
export function builtins(serverName: string, methods: readonly Method[]): Method[] {
  const find = (name: unknown): Method => {
    const method = methods.find((candidate) => candidate.name === name);
    if (!method) throw new UnknownMethodError(`No such method: ${String(name)}`);
    return method;
  };
  const argsSpec = (method: Method) =>
    method.args.map((name) =>
      method.optional?.includes(name) ? { name, default: null } : { name },
    );
  return [
    {
      name: BUILTIN.ping,
      doc: 'Answers ["pong", server name].',
      args: [],
      handler: async () => ['pong', serverName],
    },
    { name: BUILTIN.name, doc: 'The server name.', args: [], handler: async () => serverName },
    {
      name: BUILTIN.list,
      doc: 'The public method names.',
      args: [],
      handler: async () => methods.map((method) => method.name),
    },
    {
      name: BUILTIN.help,
      doc: "A method's doc text.",
      args: ['method'],
      handler: async ([name]) => find(name).doc,
    },
    {
      name: BUILTIN.args,
      doc: "A method's argument spec as Python's getargspec gives it: [args, varargs, keywords, defaults].",
      args: ['method'],
      // zerorpc-python answers with inspect.getargspec(), which `zerorpc --inspect` formats.
      handler: async ([name]) => {
        const method = find(name);
        const defaults = method.optional?.map(() => null) ?? [];
        return [method.args, null, null, defaults.length > 0 ? defaults : null];
      },
    },
    {
      name: BUILTIN.inspect,
      doc: 'The server name and every public method with its arguments and doc.',
      args: [],
      handler: async () => ({
        name: serverName,
        methods: Object.fromEntries(
          methods.map((method) => [method.name, { args: argsSpec(method), doc: method.doc }]),
        ),
      }),
    },
  ];
}
