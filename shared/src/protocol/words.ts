/** The zerorpc protocol's own words, defined once (zerorpc-python 0.6.3 speaks version 3). */
export const PROTOCOL_VERSION = 3;

export const EVENT = {
  ok: 'OK',
  err: 'ERR',
  heartbeat: '_zpc_hb',
  more: '_zpc_more',
  stream: 'STREAM',
  streamDone: 'STREAM_DONE',
} as const;

/** Built-in methods every zerorpc server answers. */
export const BUILTIN = {
  ping: '_zerorpc_ping',
  name: '_zerorpc_name',
  list: '_zerorpc_list',
  help: '_zerorpc_help',
  args: '_zerorpc_args',
  inspect: '_zerorpc_inspect',
} as const;

/** zerorpc's default heartbeat interval; a peer silent for two intervals is lost. */
export const DEFAULT_HEARTBEAT_MS = 5000;
