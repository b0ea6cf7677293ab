// Issue 14, data-form information: what a data file provided with a reply holds, counted by the
// desk, not typed — its rows (the header row not counted) and its columns. The reply prints them with
// the file's SHA-256, so the applicant (and a court) can check the file they got is the one listed.
import ExcelJS from 'exceljs';
import type { DataFileFormat } from '../../workflows/glossary.js';

export interface DataShape {
  /** Records after the header row (blank records not counted). */
  rows: number;
  /** Fields of the header row. */
  columns: number;
}

export class DataFileProblem extends Error {}

/**
 * RFC 4180 records of a CSV file: fields in double quotes may hold commas, line breaks and doubled
 * quotes (""); records end at CRLF, LF or CR outside quotes. Read byte by byte on a latin1 view, which
 * works for UTF-8 and GBK alike (neither uses the bytes of `"`, `,`, CR or LF inside a character).
 * A record whose fields are all empty (a blank line, or only commas) is not counted; an unclosed quote is refused.
 */
export function csvShape(bytes: Buffer): DataShape {
  let s = bytes.toString('latin1');
  if (s.startsWith('\u00ef\u00bb\u00bf')) s = s.slice(3); // UTF-8 BOM
  let records = 0;
  let columns = 0;
  let fields = 1;
  let blank = true; // the current record has nothing in it so far
  let inQuotes = false;
  let line = 1;
  let quoteLine = 0;
  const endRecord = () => {
    if (!blank) {
      if (records === 0) columns = fields;
      records++;
    }
    fields = 1;
    blank = true;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (s[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) line++;
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      quoteLine = line;
      blank = false;
    } else if (c === ',') {
      fields++;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else if (c !== ' ' && c !== '\t') {
      blank = false;
    }
  }
  if (inQuotes) throw new DataFileProblem(`第 ${quoteLine} 行的引号没有闭合，文件可能不完整`);
  endRecord();
  if (records === 0) throw new DataFileProblem('文件中没有数据');
  return { rows: records - 1, columns };
}

/** The first worksheet of an XLSX workbook: rows that hold a value, the first being the header. */
export async function xlsxShape(bytes: Buffer): Promise<DataShape> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Uint8Array.from(bytes).buffer);
  } catch {
    throw new DataFileProblem('不是有效的 Excel（XLSX）文件');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new DataFileProblem('工作簿中没有工作表');
  let records = 0;
  let columns = 0;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[]).filter((v) => v !== null && v !== undefined && v !== '');
    if (!values.length) return;
    if (records === 0) columns = row.actualCellCount;
    records++;
  });
  if (records === 0) throw new DataFileProblem('第一个工作表中没有数据');
  return { rows: records - 1, columns };
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The format of a data file, by its content and then its name; null when it is neither. */
export function dataFileFormat(filename: string, bytes: Buffer): DataFileFormat | null {
  const lower = filename.toLowerCase();
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) return lower.endsWith('.xlsx') ? 'xlsx' : null;
  // Text: a CSV by its name, and no NUL bytes (a binary file renamed .csv).
  if (lower.endsWith('.csv') && !bytes.includes(0)) return 'csv';
  return null;
}

export async function dataShape(format: DataFileFormat, bytes: Buffer): Promise<DataShape> {
  return format === 'csv' ? csvShape(bytes) : xlsxShape(bytes);
}
