/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every line must be a HELP or
 * TYPE comment, a blank line, or a sample `name{label="value",…} value` whose family was typed
 * before it. It throws on the first line that is none of these, so a test that reads metrics
 * through it also checks the format.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (-?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|\\+Inf|-Inf))(?: -?[0-9]+)?$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);

export function parsePrometheusText(text: string): Sample[] {
  const typed = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '' || HELP.test(line)) return;
    const type = TYPE.exec(line);
    if (type) return void typed.set(type[1]!, type[2]!);
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`line ${index + 1} is not Prometheus text: ${line}`);
    const name = sample[1]!;
    const family = name.replace(/_(bucket|sum|count|total|created)$/, '');
    if (!typed.has(name) && !typed.has(family)) throw new Error(`line ${index + 1}: sample of ${name} has no # TYPE before it`);
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name, labels, value: Number(sample[3]!.replace('+Inf', 'Infinity').replace('-Inf', '-Infinity')) });
  });
  return samples;
}

/** sum adds the values of samples named `name` whose labels include `labels`. */
export function sum(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
}
