import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

const HEADER = ['section', 'key', 'value'];

/** Keys come from codes and jurisdiction names; still, nothing a spreadsheet would run as a formula. */
const safe = (v: string | number | null) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

export function statsCsv(rows: [string, string, string | number | null][]): string {
  return stringify(
    rows.map((r) => r.map(safe)),
    { header: true, columns: HEADER, bom: true },
  );
}

export async function statsXlsx(rows: [string, string, string | number | null][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Shouhu';
  const sheet = book.addWorksheet('监测评估 indicators');
  sheet.addRow(HEADER);
  for (const r of rows) sheet.addRow(r.map(safe));
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((c) => (c.width = 28));
  return Buffer.from(await book.xlsx.writeBuffer());
}
