/** One figure held against its target, printed as `PASS`/`FAIL` and kept in the JSON. */
export interface Checked {
  value: number;
  limit: number;
  pass: boolean;
}

export function atMost(value: number, limit: number): Checked {
  return { value, limit, pass: value <= limit };
}

export function atLeast(value: number, limit: number): Checked {
  return { value, limit, pass: value >= limit };
}

/** `name  12.3 (target ≤ 15): PASS`. */
export function describeCheck(name: string, { value, limit, pass }: Checked, unit = ''): string {
  const relation = value <= limit === pass ? '≤' : '≥';
  return `  ${name.padEnd(36)} ${value.toFixed(2).padStart(8)}${unit} (target ${relation} ${limit}${unit}): ${pass ? 'PASS' : 'FAIL'}`;
}
