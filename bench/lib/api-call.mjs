/** Calling the host's HTTP API from a bench, timed, and the percentiles the benches report. */
const now = () => performance.now();

/** One API call over HTTP (fetch keeps the connection alive); the time includes reading the whole answer. */
export async function call(baseUrl, token, method, input) {
  const started = now();
  const res = await fetch(new URL(`api/call/${method}`, baseUrl), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const ms = now() - started;
  const body = JSON.parse(text);
  if (!body.ok) throw new Error(`${method} ${JSON.stringify(input)} answered ${res.status}: ${JSON.stringify(body.error)}`);
  return { ms, bytes: Buffer.byteLength(text), value: body.value };
}

/** Nearest-rank percentile of sorted values. */
export const percentile = (/** @type {number[]} */ sorted, /** @type {number} */ p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export const median = (/** @type {number[]} */ values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? ((s[Math.floor((s.length - 1) / 2)] ?? NaN) + (s[Math.ceil((s.length - 1) / 2)] ?? NaN)) / 2 : NaN;
};
