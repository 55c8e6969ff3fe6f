/**
 * How Relay Desk writes CSV (the messages export, `relay-desk stats --csv`):
 * RFC 4180 with CRLF records; a field holding any line break is quoted (a bare
 * CR or LF too, which would otherwise split the row), and a text cell that
 * starts like a formula (=, +, -, @, a tab or a CR) gets a leading apostrophe,
 * as OWASP advises against CSV injection, since admins open these files in a
 * spreadsheet.
 */
import type { Options } from 'csv-stringify/sync';

export const CSV_OPTIONS: Options = { record_delimiter: 'windows', quote_record_delimiter: true, escape_formulas: true };
