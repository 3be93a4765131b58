/**
 * A signed-off evaluation sheet (评先选优) as a file the township files: XLSX
 * (exceljs, as the figure exports) and PDF (pdfkit, with a CJK font so names
 * and headings in Chinese render and can be searched and extracted). Headings
 * and grades in zh-CN or en; numbers as the sheet has them.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { DomainError, PDF_FONT_PACKAGE, pdfFontCandidates, ProblemType, type EvaluationSheetRow, type InspectionGrade, type PdfFont } from '@minqing/shared';
import type { SignedSheet } from './evaluation.sheet';

export type ExportLang = 'zh-CN' | 'en';

const WORDS = {
  'zh-CN': {
    title: '评先选优考核表', cadres: '干部', departments: '部门', period: '考核期', signedBy: '签发人', signedAt: '签发时间', note: '说明',
    composite: '综合评分定义', figures: '服务绩效定义', weights: '权重', page: '第 {n} 页',
    columns: ['编号', '姓名/名称', '所属部门', '案件数', '签收率', '解决率', '满意率', '服务绩效', '每周下基层天数', '履职', '民主评议', '检查次数', '检查得分', '检查等级', '综合得分'],
    grades: { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' } as Record<InspectionGrade, string>,
    partial: '（部分）',
  },
  en: {
    title: 'Evaluation sheet', cadres: 'Cadres', departments: 'Departments', period: 'Period', signedBy: 'Signed off by', signedAt: 'Signed off at', note: 'Note',
    composite: 'Composite definitions', figures: 'Figure definitions', weights: 'Weights', page: 'page {n}',
    columns: ['Code', 'Name', 'Department', 'Cases', 'Sign-for', 'Resolution', 'Satisfaction', 'Service', 'Days/week', 'Duty', 'Appraisal', 'Inspections', 'Inspection score', 'Grade', 'Composite'],
    grades: { excellent: 'excellent', good: 'good', pass: 'pass', fail: 'fail' } as Record<InspectionGrade, string>,
    partial: ' (partial)',
  },
} as const;

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '' : `${Math.round(x * 1000) / 10}%`);
const num = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(x));

function cells(r: EvaluationSheetRow, lang: ExportLang): (string | number | null)[] {
  const w = WORDS[lang];
  return [
    r.code, r.name ?? '', r.departmentCode ?? '',
    r.service?.cases ?? null, r.service?.signForRate ?? null, r.service?.resolutionRate ?? null, r.service?.satisfactionRate ?? null, r.service?.score ?? null,
    r.duty.daysPerWeek, r.duty.score,
    r.appraisal?.score ?? null,
    r.inspection?.count ?? null, r.inspection?.score ?? null, r.inspection ? w.grades[r.inspection.grade] : '',
    r.composite,
  ];
}

function meta(s: SignedSheet, lang: ExportLang): [string, string][] {
  const w = WORDS[lang];
  return [
    [w.period, `${s.sheet.period} (${s.sheet.first} – ${s.sheet.last})`],
    [w.signedBy, s.signedByName ? `${s.signedByName} (${s.signedBy})` : s.signedBy],
    [w.signedAt, s.signedAt],
    [w.composite, s.compositeVersion],
    [w.weights, Object.entries(s.sheet.weights).map(([k, v]) => `${k} ${v}`).join(', ')],
    [w.figures, s.figureDefinitionsVersion],
    [w.note, s.note],
  ];
}

export async function sheetXlsx(s: SignedSheet, lang: ExportLang): Promise<Buffer> {
  const w = WORDS[lang];
  const wb = new ExcelJS.Workbook();
  wb.creator = 'minqing';
  const add = (name: string, rows: EvaluationSheetRow[]) => {
    const sheet = wb.addWorksheet(name);
    sheet.addRow([...w.columns]).font = { bold: true };
    for (const r of rows) sheet.addRow(cells(r, lang));
  };
  add(w.cadres, s.sheet.cadres);
  add(w.departments, s.sheet.departments);
  const info = wb.addWorksheet(w.title);
  for (const [k, v] of meta(s, lang)) info.addRow([k, v]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The first CJK font there is (shared/src/pdf-fonts.ts), or a 503 saying what to install. */
export function pdfFont(): PdfFont {
  const found = pdfFontCandidates().find((c) => fs.existsSync(c.file));
  if (!found) {
    throw new DomainError(ProblemType.unavailable, 503, 'No Chinese font for the PDF', `install the Debian package ${PDF_FONT_PACKAGE} (or set MINQING_PDF_FONT to a CJK font file)`, {
      code: 'pdf_font_missing', params: {},
    });
  }
  return found;
}

export function sheetPdf(s: SignedSheet, lang: ExportLang): Promise<Buffer> {
  const font = pdfFont();
  const w = WORDS[lang];
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 28, info: { Title: `${w.title} ${s.sheet.period}`, Author: 'minqing' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.file, font.face);
  doc.font('cjk');
  doc.fontSize(16).text(`${w.title} — ${s.sheet.period}`);
  doc.moveDown(0.3).fontSize(9);
  for (const [k, v] of meta(s, lang)) doc.text(`${k}: ${v}`);
  // column widths (points) of the 15 columns, filling the landscape page's width
  const widths = [58, 62, 58, 36, 46, 46, 50, 46, 52, 40, 50, 44, 52, 42, 50];
  const left = doc.page.margins.left;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const line = (values: string[], bold = false) => {
    const height = 14;
    if (doc.y + height > bottom()) doc.addPage();
    const y = doc.y;
    let x = left;
    doc.fontSize(bold ? 7.5 : 8);
    values.forEach((v, i) => {
      doc.text(v, x + 1, y + 2, { width: widths[i]! - 2, height: height - 2, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.moveTo(left, y + height).lineTo(x, y + height).lineWidth(0.3).strokeColor('#999999').stroke();
    doc.x = left;
    doc.y = y + height;
  };
  const table = (heading: string, rows: EvaluationSheetRow[]) => {
    doc.moveDown(0.6).fontSize(12).text(heading, left);
    doc.moveDown(0.2);
    line([...w.columns], true);
    for (const r of rows) {
      const c = cells(r, lang);
      line([
        String(c[0]), String(c[1]), String(c[2]), num(c[3] as number | null), pct(c[4] as number | null), pct(c[5] as number | null), pct(c[6] as number | null),
        pct(c[7] as number | null), num(c[8] as number), pct(c[9] as number), num(c[10] as number | null), num(c[11] as number | null), num(c[12] as number | null), String(c[13]),
        `${pct(c[14] as number)}${r.partial ? w.partial : ''}`,
      ]);
    }
  };
  table(w.cadres, s.sheet.cadres);
  table(w.departments, s.sheet.departments);
  doc.end();
  return done;
}

