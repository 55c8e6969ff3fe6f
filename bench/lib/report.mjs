/**
 * What the bench prints: one table of every run, then each target of the
 * relay issue with the measured value and PASS or MISS. A miss is reported,
 * never thrown: this is a benchmark, not a test.
 */

/**
 * @typedef {{ workload: string, server: string, mode: string, size: number,
 *   attempted: number, accepted: number, delivered: number, acceptedRate: number, deliveredRate: number,
 *   p50: number, p99: number, p99Settled: number, cpuPerMessage: number, loadgenCpuPerMessage: number, peakRss: number | null, rssKind: string,
 *   notes: string[] }} Row
 */

const MB = 1024 * 1024;

const fmt = {
  rate: (/** @type {number} */ v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a'),
  ms: (/** @type {number} */ v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a'),
  mb: (/** @type {number | null} */ v) => (v === null || !v ? 'n/a' : (v / MB).toFixed(1)),
  size: (/** @type {number} */ v) => (v >= MB ? `${Math.round(v / MB)} MB` : `${Math.round(v / 1024)} KB`),
};

/** How each kind of server is named in the table. */
const SERVER_NAMES = /** @type {Record<string, string>} */ ({
  relay: 'relay',
  postfix: 'postfix 3.7',
  ceiling: 'node ceiling',
  host: 'relay-desk serve',
  'postfix-dkim': 'postfix+opendkim',
  haraka: 'haraka',
});

/**
 * A row's accepted msg/s as a share of the ceiling's in the same workload
 * (the ceiling row itself and rows without one: blank).
 * @param {Row} row @param {Row[]} rows
 */
export function ceilingShare(row, rows) {
  const ceiling = rows.find((r) => r.workload === row.workload && r.server === 'ceiling');
  if (!ceiling || row === ceiling || !(ceiling.acceptedRate > 0)) return '';
  return `${Math.round((row.acceptedRate / ceiling.acceptedRate) * 100)}%`;
}

/**
 * A text table, columns as wide as their widest cell: the left columns padded
 * on the right, the others (figures) on the left.
 * @param {string[]} header @param {string[][]} lines @param {number[]} leftColumns
 */
export function printColumns(header, lines, leftColumns) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const left = new Set(leftColumns);
  const format = (/** @type {string[]} */ cells) =>
    cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
}

/** @param {Row[]} rows @param {boolean} [productPath] the legend of bench/relay-product.mjs's rows */
export function printTable(rows, productPath = false) {
  const header = ['workload', 'server', 'mode', 'size', 'messages', 'accepted msg/s', 'of ceiling', 'delivered msg/s', 'p50 ms', 'p99 ms', 'p99 >0.5 s', 'CPU ms/msg', 'loadgen ms/msg', 'peak RSS MB'];
  const lines = rows.map((r) => [
    r.workload,
    SERVER_NAMES[r.server] ?? r.server,
    r.mode,
    fmt.size(r.size),
    r.accepted === r.attempted ? String(r.accepted) : `${r.accepted}/${r.attempted}`,
    fmt.rate(r.acceptedRate),
    ceilingShare(r, rows),
    fmt.rate(r.deliveredRate),
    fmt.ms(r.p50),
    fmt.ms(r.p99),
    fmt.ms(r.p99Settled),
    r.cpuPerMessage.toFixed(2),
    r.loadgenCpuPerMessage.toFixed(2),
    `${fmt.mb(r.peakRss)}${r.rssKind === 'pss-sum' ? '*' : ''}`,
  ]);
  printColumns(header, lines, [0, 1, 2]);
  console.log(
    '\nmessages: accepted (/attempted when some failed). accepted msg/s: accepted / (first connect → last 250).\n' +
      'delivered msg/s: counted at smtp-sink / (first connect → sink has them all). p50/p99: MAIL FROM → 250 after the dot.\n' +
      'p99 >0.5 s: the p99 of the messages begun after the batch\'s first half second (shown, not a target): a relay\n' +
      '  started moments before still has V8 compiling its code in that half second.\n' +
      'CPU ms/msg: user+system CPU of the server (all Postfix processes) during the measured batch, per message;\n' +
      '  steadier than msg/s when other work shares the machine. loadgen ms/msg: the load generator\'s own CPU per\n' +
      '  message: it shares the 2 cores with the server, and the less it takes the more the server can have.\n' +
      (productPath
        ? 'peak RSS: * the summed Pss of the server\'s processes, sampled every 100 ms; the ceiling: its VmHWM.\n'
        : 'peak RSS: the relay process VmHWM (fresh process per row, warm-up included).\n' +
          '  * Postfix: peak of the summed Pss of master and all its daemons, sampled every 100 ms.\n' +
          'Postfix has no AUTH without SASL: it runs the trusted-address (mynetworks) workloads only.\n') +
      'node ceiling: a bare Node responder (fixed replies, no parsing, no disk, delivers nothing) under the same load;\n' +
      '  of ceiling: each row\'s accepted msg/s as a share of the ceiling\'s in the same workload.',
  );
  for (const r of rows) for (const note of r.notes) console.log(`note ${r.workload} ${r.server} ${r.mode}: ${note}`);
}

/**
 * One row per workload/server/mode: the median of each figure over repeated
 * runs, the highest peak RSS, and all runs' message counts.
 * @param {Row[]} rows
 * @returns {Row[]}
 */
export function medianRows(rows) {
  const groups = new Map();
  for (const r of rows) {
    const key = `${r.workload}|${r.server}|${r.mode}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const median = (/** @type {number[]} */ v) => {
    const s = v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    return s.length ? ((s[Math.floor((s.length - 1) / 2)] ?? NaN) + (s[Math.ceil((s.length - 1) / 2)] ?? NaN)) / 2 : NaN;
  };
  return [...groups.values()].map((g) => ({
    ...g[0],
    attempted: g.reduce((n, r) => n + r.attempted, 0),
    accepted: g.reduce((n, r) => n + r.accepted, 0),
    delivered: g.reduce((n, r) => n + r.delivered, 0),
    acceptedRate: median(g.map((r) => r.acceptedRate)),
    deliveredRate: g.some((r) => Number.isNaN(r.deliveredRate)) ? NaN : median(g.map((r) => r.deliveredRate)),
    p50: median(g.map((r) => r.p50)),
    p99: median(g.map((r) => r.p99)),
    p99Settled: median(g.map((r) => r.p99Settled)),
    cpuPerMessage: median(g.map((r) => r.cpuPerMessage)),
    loadgenCpuPerMessage: median(g.map((r) => r.loadgenCpuPerMessage)),
    peakRss: g.some((r) => r.peakRss) ? Math.max(...g.map((r) => r.peakRss ?? 0)) : null,
    notes: g.flatMap((r) => r.notes),
  }));
}

/**
 * @param {Row[]} rows
 * @returns {{ name: string, measured: string, pass: boolean | null }[]}
 */
export function evaluateTargets(rows) {
  const find = (/** @type {string} */ w, /** @type {string} */ server, /** @type {string} */ mode) =>
    rows.find((r) => r.workload === w && r.server === server && r.mode === mode);
  /** @type {{ name: string, measured: string, pass: boolean | null }[]} */
  const out = [];
  const ratio = (/** @type {number} */ a, /** @type {number} */ b) => (b > 0 ? a / b : NaN);

  for (const w of ['W1', 'W2', 'W3']) {
    const postfix = find(w, 'postfix', 'trusted');
    for (const mode of /** @type {const} */ (['trusted', 'auth'])) {
      const relay = find(w, 'relay', mode);
      if (!relay || !postfix) continue;
      for (const what of /** @type {const} */ (['accepted', 'delivered'])) {
        const key = what === 'accepted' ? 'acceptedRate' : 'deliveredRate';
        const x = ratio(relay[key], postfix[key]);
        out.push({
          name: `${w} ${mode}: ${what} ≥ 1.2× Postfix`,
          measured: `${fmt.rate(relay[key])} vs ${fmt.rate(postfix[key])} msg/s = ${x.toFixed(2)}×`,
          pass: x >= 1.2,
        });
      }
      const cpu = ratio(relay.cpuPerMessage, postfix.cpuPerMessage);
      out.push({
        name: `${w} ${mode}: CPU per message ≤ 0.6× Postfix's`,
        measured: `${relay.cpuPerMessage.toFixed(2)} vs ${postfix.cpuPerMessage.toFixed(2)} ms = ${cpu.toFixed(2)}×`,
        pass: cpu <= 0.6,
      });
    }
  }
  for (const w of ['W1', 'W2', 'W3']) {
    const auth = find(w, 'relay', 'auth');
    const trusted = find(w, 'relay', 'trusted');
    if (!auth || !trusted) continue;
    for (const key of /** @type {const} */ (['acceptedRate', 'deliveredRate'])) {
      const x = ratio(auth[key], trusted[key]);
      out.push({
        name: `${w}: AUTH ${key === 'acceptedRate' ? 'accepted' : 'delivered'} within 20% of trusted`,
        measured: `${fmt.rate(auth[key])} vs ${fmt.rate(trusted[key])} msg/s = ${(x * 100).toFixed(0)}%`,
        pass: x >= 0.8,
      });
    }
  }
  for (const mode of ['trusted', 'auth']) {
    const r = find('W3', 'relay', mode);
    if (r?.peakRss) out.push({ name: `W3 ${mode}: peak RSS < 150 MB`, measured: `${fmt.mb(r.peakRss)} MB`, pass: r.peakRss < 150 * MB });
  }
  const small = find('W3', 'relay', 'trusted');
  const large = rows.find((r) => r.workload.startsWith('W3') && r.server === 'relay' && r.size >= 10 * MB);
  if (small?.peakRss && large?.peakRss) {
    const grown = large.peakRss / small.peakRss;
    out.push({
      name: `${large.workload}: RSS flat with ${fmt.size(large.size)} messages (< 150 MB and ≤ 1.2× the 10 KB run)`,
      measured: `${fmt.mb(large.peakRss)} MB vs ${fmt.mb(small.peakRss)} MB with 10 KB = ${grown.toFixed(2)}×`,
      pass: large.peakRss < 150 * MB && grown <= 1.2,
    });
  }
  return out;
}

/** @param {{ name: string, measured: string, pass: boolean | null }[]} targets @param {string} title */
export function printTargets(targets, title) {
  console.log(`\n${title}`);
  const width = Math.max(...targets.map((t) => t.name.length));
  for (const t of targets) console.log(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name.padEnd(width)}  ${t.measured}`);
  const missed = targets.filter((t) => !t.pass).length;
  console.log(`\n${targets.length - missed} of ${targets.length} targets met.`);
}
