import { parse } from 'csv-parse/sync';
import { AuditRow, AuditService, neutraliseCell } from './audit.service';

describe('audit CSV', () => {
  it('neutralises cells a spreadsheet would run as a formula', () => {
    for (const evil of ['=1+1', '+SUM(A1)', '-2+3', '@SUM(A1)', '\tcmd', '\r=1']) expect(neutraliseCell(evil)).toBe(`'${evil}`);
    for (const fine of ['case.reported', 'BA-2026-000001', '2026-11-23T08:00:00.000Z', '']) expect(neutraliseCell(fine)).toBe(fine);
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell({ a: 1 })).toBe('{"a":1}');
  });

  it('writes a parseable CSV whose dangerous cells start with an apostrophe', () => {
    const row: AuditRow = {
      source: 'event',
      at: '2026-11-23T08:00:00.000Z',
      caseId: 'c1',
      caseNo: 'BA-2026-000001',
      seq: 1,
      type: '=HYPERLINK("http://x","y")',
      actorId: '@evil',
      actorRole: '-role',
      fromStatus: null,
      toStatus: '+x',
      fields: ['child.name'],
      data: { reason: 'has, commas and "quotes"\nand a newline' },
      hash: 'ab',
    };
    const csv = new AuditService(undefined as never).toCsv([row]);
    const [header, cells] = parse(csv.replace(/^\uFEFF/, ''));
    expect(header[5]).toBe('type');
    expect(cells[5]).toBe(`'=HYPERLINK("http://x","y")`);
    expect(cells[6]).toBe(`'@evil`);
    expect(cells[7]).toBe(`'-role`);
    expect(cells[9]).toBe(`'+x`);
    expect(JSON.parse(cells[11])).toEqual(row.data);
  });
});
