/**
 * The node's settings. Each is a ROS private parameter (`~server`, set in a launch file or with
 * `rosparam`) and may be given on the command line as `_server:=tcp://…`, which wins, as rospy
 * does it. Values are checked here, once, and the error names the parameter.
 */

/** The displays, chosen by name with `~display` (comma-separated or a YAML list). */
export const DISPLAY_NAMES = ['window', 'topic', 'web'] as const;
export type DisplayName = (typeof DISPLAY_NAMES)[number];

export interface ClientParams {
  /** `~server`: the server's ZeroMQ endpoint. */
  server: string;
  /** `~image_topic`: the camera's sensor_msgs/Image topic (remaps apply to it). */
  imageTopic: string;
  /** `~jpeg_quality`: quality of the JPEG sent to the server, 1..100. */
  jpegQuality: number;
  /** `~timeout_ms`: deadline of one getMask call; past it the call is abandoned. */
  timeoutMs: number;
  /**
   * `~heartbeat_ms`: zerorpc heartbeat interval. Unset, it is {@link defaultHeartbeatMs}: below
   * the timeout, so every call beats at least once and the server then drops the work of a call
   * the node abandoned (it holds a caller to beats only after its first beat).
   */
  heartbeatMs: number;
  /** `~display`: where composites are shown. */
  displays: DisplayName[];
  /** `~web_host`, `~web_port`: where the web display listens (port 0: any free port). */
  webHost: string;
  webPort: number;
  /** `~score_threshold`: draw instances scoring at least this, 0..1. */
  scoreThreshold: number;
  /** `~classes`: draw only these COCO classes; empty draws all. */
  classes: string[];
  /**
   * `~in_flight`: getMask calls kept out at once, each with a newer frame; 0 (the default): one
   * per inference worker of the server, as its `info()` says.
   */
  inFlight: number;
  /** `~figures_period_s`: how often the figures are logged; 0 never. */
  figuresPeriodS: number;
  /** `~server_key`: the server's public certificate (NAME.key), for a server that requires CURVE. */
  serverKey: string;
  /** `~client_key`: this node's secret certificate (NAME.key_secret), with `~server_key`. */
  clientKey: string;
}

/** A parameter's value is not one the node can use; the message names it and what was expected. */
export class InvalidParamError extends Error {
  override name = 'InvalidParam';
  constructor(
    readonly param: string,
    expected: string,
    got: unknown,
  ) {
    super(`~${param}: expected ${expected}, got ${JSON.stringify(got)}`);
  }
}

interface Spec<T> {
  ros: string;
  fallback: T;
  parse: (value: unknown, ros: string) => T;
}

function text(value: unknown, ros: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidParamError(ros, 'a non-empty string', value);
  return value.trim();
}

/** A file path, or '' for none. */
function optionalPath(value: unknown, ros: string): string {
  return value === '' ? '' : text(value, ros);
}

function endpoint(value: unknown, ros: string): string {
  if (typeof value !== 'string' || !/^(tcp|ipc|inproc):\/\/\S+$/.test(value.trim()))
    throw new InvalidParamError(ros, 'a ZeroMQ endpoint such as tcp://host:38282', value);
  return value.trim();
}

function number(min: number, max: number, integer: boolean) {
  const expected = `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
  return (value: unknown, ros: string): number => {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidParamError(ros, expected, value);
    if (integer && !Number.isInteger(n)) throw new InvalidParamError(ros, expected, value);
    return n;
  };
}

/** A YAML list, or the same items separated by commas (`window,web`), as a command line gives. */
function list(value: unknown, ros: string): string[] {
  const items =
    typeof value === 'string'
      ? value
          .replace(/^\s*\[|\]\s*$/g, '')
          .split(',')
          .map((item) => item.trim().replace(/^["']|["']$/g, ''))
      : value;
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string'))
    throw new InvalidParamError(ros, 'a list of names', value);
  return items.filter((item) => item !== '');
}

function displays(value: unknown, ros: string): DisplayName[] {
  const names = list(value, ros);
  const known = new Set<string>(DISPLAY_NAMES);
  if (names.length === 0 || names.some((name) => !known.has(name)))
    throw new InvalidParamError(ros, `one or more of ${DISPLAY_NAMES.join(', ')}`, value);
  return [...new Set(names)] as DisplayName[];
}

const SPECS: { [K in keyof ClientParams]: Spec<ClientParams[K]> } = {
  server: { ros: 'server', fallback: 'tcp://127.0.0.1:38282', parse: endpoint },
  imageTopic: { ros: 'image_topic', fallback: '/cameras/right_hand_camera/image', parse: text },
  jpegQuality: { ros: 'jpeg_quality', fallback: 80, parse: number(1, 100, true) },
  timeoutMs: { ros: 'timeout_ms', fallback: 2000, parse: number(1, 3_600_000, true) },
  heartbeatMs: { ros: 'heartbeat_ms', fallback: 0, parse: number(10, 3_600_000, true) },
  displays: { ros: 'display', fallback: ['window'], parse: displays },
  webHost: { ros: 'web_host', fallback: '127.0.0.1', parse: text },
  webPort: { ros: 'web_port', fallback: 8080, parse: number(0, 65535, true) },
  scoreThreshold: { ros: 'score_threshold', fallback: 0.5, parse: number(0, 1, false) },
  classes: { ros: 'classes', fallback: [], parse: list },
  inFlight: { ros: 'in_flight', fallback: 0, parse: number(0, 16, true) },
  figuresPeriodS: { ros: 'figures_period_s', fallback: 5, parse: number(0, 86_400, false) },
  serverKey: { ros: 'server_key', fallback: '', parse: optionalPath },
  clientKey: { ros: 'client_key', fallback: '', parse: optionalPath },
};

/**
 * The heartbeat when `~heartbeat_ms` is unset: zerorpc's 5 s, or half the call's timeout when
 * that is shorter, so every call beats before its deadline and the server, which holds a caller
 * to beats only after its first beat, drops the work of a call the node abandoned (it has the
 * deadline too, from `timeout_ms`). Shorter than the server's `--heartbeat-ms` is safe: the
 * server waits two of its own intervals, and the client, which calls a silent server lost only
 * at its third beat (1.5× the timeout), has timed the call out by then.
 */
export function defaultHeartbeatMs(timeoutMs: number): number {
  return Math.max(10, Math.min(5000, Math.floor(timeoutMs / 2)));
}

/** The ROS names of every parameter, e.g. `jpeg_quality`. */
export const PARAM_NAMES: readonly string[] = Object.values(SPECS).map((spec) => spec.ros);

/** `_name:=value` arguments (private parameters); `__name:=` and remaps are not among them. */
export function privateArgs(argv: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const arg of argv) {
    const match = /^_([A-Za-z][\w/]*):=(.*)$/s.exec(arg);
    if (match) found.set(match[1], match[2]);
  }
  return found;
}

export interface ReadParams {
  params: ClientParams;
  /** `_name:=` arguments that name no parameter (probably misspelt). */
  unknown: string[];
}

/**
 * Settles every parameter: command line first, then the parameter server, then the default.
 * @param fromServer reads `~name` from the parameter server; undefined when unset.
 * @throws {InvalidParamError} for the first value that does not fit.
 */
export async function readParams(
  fromServer: (name: string) => Promise<unknown>,
  argv: readonly string[],
): Promise<ReadParams> {
  const args = privateArgs(argv);
  const params = {} as Record<string, unknown>;
  for (const [key, spec] of Object.entries(SPECS) as [string, Spec<unknown>][]) {
    const value = args.has(spec.ros) ? args.get(spec.ros) : await fromServer(`~${spec.ros}`);
    params[key] = value === undefined ? spec.fallback : spec.parse(value, spec.ros);
  }
  if (params.heartbeatMs === 0) params.heartbeatMs = defaultHeartbeatMs(params.timeoutMs as number);
  const unknown = [...args.keys()].filter((name) => !PARAM_NAMES.includes(name));
  return { params: params as unknown as ClientParams, unknown };
}
