/**
 * CSV for the audit export (RFC 4180: every cell quoted, CRLF line ends). Cells that a spreadsheet
 * would read as a formula (=, +, -, @, tab, CR, LF first) get a leading apostrophe, so a name sent by
 * a partner cannot run anything when an admin opens the file (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r\n]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
