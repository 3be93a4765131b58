/**
 * The CJK fonts a PDF export (the evaluation sheet) can embed, in order: the
 * file in MINQING_PDF_FONT (with MINQING_PDF_FONT_FACE for a collection), then
 * the Debian packages fonts-wqy-microhei and fonts-noto-cjk. One list for the
 * reporting service, which embeds the first it finds, and for the local stack,
 * which installs PDF_FONT_PACKAGE when none is there.
 */
export interface PdfFont {
  file: string;
  /** the face to take from a font collection (.ttc) */
  face?: string;
}

/** The Debian package the project's set-up installs for the PDF (and the browser tests). */
export const PDF_FONT_PACKAGE = 'fonts-wqy-microhei';

export function pdfFontCandidates(env: NodeJS.ProcessEnv = process.env): PdfFont[] {
  return [
    ...(env.MINQING_PDF_FONT ? [{ file: env.MINQING_PDF_FONT, ...(env.MINQING_PDF_FONT_FACE ? { face: env.MINQING_PDF_FONT_FACE } : {}) }] : []),
    { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
    { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  ];
}
