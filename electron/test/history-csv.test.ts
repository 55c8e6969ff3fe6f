/**
 * The CSV export of 10,000 messages, chunk by chunk with the cursor the host
 * hands back, read by a CSV parser no one here wrote (Python's csv module):
 * every row is there once, with subjects holding commas, quotes, line breaks
 * and non-ASCII text intact; a cell a spreadsheet would take for a formula
 * starts with an apostrophe.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CSV_COLUMNS } from '../host/history/csv-export.js';
import { accepted, openHistory } from './history-fixture.js';

const run = promisify(execFile);
const COUNT = 10_000;
const START = Date.parse('2030-03-01T00:00:00.000Z');

/** Reads the file with Python's csv module; prints the header, the row count and the rows' id, subject and recipients. */
const READ_CSV = `
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f, strict=True))
print(json.dumps({'header': rows[0], 'rows': [[r[0], r[8], r[9]] for r in rows[1:]], 'widths': sorted({len(r) for r in rows})}))
`;

const subjectOf = (i: number) => (i % 3 === 0 ? `Offer ${i}, "limited"\r\nsecond line` : i % 3 === 1 ? `Café Nº${i} — ünïcode` : `=SUM(A${i})`);

test('10,000 messages export completely in chunks and parse with Python’s csv module', async (t) => {
  const { history, dataDir } = await openHistory(t);
  for (let i = 0; i < COUNT; i++) {
    history.record(accepted(`X${i}`, { subject: subjectOf(i), to: [`a${i}@example.org`, `b${i}@example.org`] }), START + i * 1000);
  }
  await history.flushed();

  let csv = '';
  let chunks = 0;
  let rows = 0;
  let cursor: string | null = null;
  do {
    const chunk = history.exportCsv({}, cursor);
    csv += chunk.csv;
    rows += chunk.rows;
    cursor = chunk.cursor;
    chunks++;
  } while (cursor !== null);
  assert.equal(rows, COUNT);
  assert.ok(chunks >= 5, `${chunks} chunks`);

  const file = join(dataDir, 'export.csv');
  await writeFile(file, csv);
  const { stdout } = await run('/usr/bin/python3', ['-c', READ_CSV, file], { maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { header: string[]; rows: [string, string, string][]; widths: number[] };
  assert.deepEqual(parsed.header, [...CSV_COLUMNS]);
  assert.deepEqual(parsed.widths, [CSV_COLUMNS.length], 'every row has every column');
  assert.equal(parsed.rows.length, COUNT);
  const shown = (subject: string) => (subject.startsWith('=') ? `'${subject}` : subject);
  const want = Array.from({ length: COUNT }, (_, k) => COUNT - 1 - k).map((i) => [`X${i}`, shown(subjectOf(i)), `a${i}@example.org;b${i}@example.org`]);
  assert.deepEqual(parsed.rows, want, 'newest first, each once, text intact');
});

test('the export takes the list’s filter, and refuses a cursor it did not give', async (t) => {
  const { history } = await openHistory(t);
  history.record(accepted('Y1', { subject: 'keep me' }));
  history.record(accepted('Y2', { subject: 'not me' }));
  await history.flushed();
  const only = history.exportCsv({ search: 'keep' }, null);
  assert.equal(only.rows, 1);
  assert.equal(only.cursor, null);
  assert.match(only.csv, /^id,acceptedAt,status,.*\r\nY1,/s);
  assert.throws(() => history.exportCsv({}, '12; DROP TABLE messages'), { code: 'invalid_input', field: 'cursor' });
});

test('a cell that starts like a formula gets a leading apostrophe, so a spreadsheet shows it as text', async (t) => {
  const { history, dataDir } = await openHistory(t);
  const risky = ['=HYPERLINK("http://x.example","click")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', '＝1+1'];
  const safe = ['Invoice 2030-01', 'a=b', 'plain +1', 'two\nlines', 'bare\rreturn'];
  const subjects = [...risky, ...safe];
  subjects.forEach((subject, i) => history.record(accepted(`F${i}`, { subject, fromName: subject }), START + i * 1000));
  await history.flushed();
  const file = join(dataDir, 'formulas.csv');
  await writeFile(file, history.exportCsv({}, null).csv);
  const readSubjectAndName = 'import csv, json, sys; print(json.dumps([[r[8], r[7]] for r in list(csv.reader(open(sys.argv[1], newline=""), strict=True))[1:]]))';
  const { stdout } = await run('/usr/bin/python3', ['-c', readSubjectAndName, file]);
  const cells = (JSON.parse(stdout) as [string, string][]).reverse();
  const want = [...risky.map((s) => `'${s}`), ...safe];
  assert.deepEqual(
    cells,
    want.map((cell) => [cell, cell]),
    'subject and From name alike; text that merely contains = or + is left alone',
  );
});
