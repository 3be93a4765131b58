/**
 * What residents read, in zh-CN and en (the resident's language, zh-CN unless
 * given at intake). Staff notifications are not worded here: the in-app channel
 * stores code + params and the console words them in the viewer's language
 * (web/src/i18n, keys `notifications.code.*`).
 */
import type { NoticeLanguage, ResidentNotice } from '@minqing/shared';

export interface ResidentParams {
  trackingCode: string;
  /** the reply of a resolved case (the `resolution` notice) */
  reply?: string | null;
}

type Template = (p: ResidentParams) => { subject: string; text: string };

export const RESIDENT_TEMPLATES: Record<NoticeLanguage, Record<ResidentNotice, Template>> = {
  'zh-CN': {
    receipt: (p) => ({
      subject: `【民情】您的诉求已登记 ${p.trackingCode}`,
      text: `您的诉求已登记，查询码 ${p.trackingCode}。可凭查询码和手机号后四位查询进度，也可在查询页退订通知。`,
    }),
    acceptance: (p) => ({ subject: `【民情】诉求已受理 ${p.trackingCode}`, text: `您的诉求 ${p.trackingCode} 已由工作人员受理，正在办理。` }),
    resolution: (p) => ({
      subject: `【民情】诉求已办结 ${p.trackingCode}`,
      text: `您的诉求 ${p.trackingCode} 已办结。答复：${p.reply ?? '（见查询页）'}。欢迎在查询页评价。`,
    }),
    callback_request: (p) => ({ subject: `【民情】请回电 ${p.trackingCode}`, text: `办理您的诉求 ${p.trackingCode} 需要您补充情况，请与工作人员联系。` }),
  },
  en: {
    receipt: (p) => ({
      subject: `[minqing] Your request is registered: ${p.trackingCode}`,
      text: `Your request is registered with tracking code ${p.trackingCode}. Follow it with the code and the last four digits of your phone; you can opt out of messages there.`,
    }),
    acceptance: (p) => ({ subject: `[minqing] Request accepted: ${p.trackingCode}`, text: `Your request ${p.trackingCode} was accepted by a staff member and is being handled.` }),
    resolution: (p) => ({
      subject: `[minqing] Request resolved: ${p.trackingCode}`,
      text: `Your request ${p.trackingCode} is resolved. Reply: ${p.reply ?? '(see the tracking page)'}. Please rate it on the tracking page.`,
    }),
    callback_request: (p) => ({ subject: `[minqing] Please call us back: ${p.trackingCode}`, text: `To handle your request ${p.trackingCode} we need more information from you; please contact the staff.` }),
  },
};

export function renderResident(code: ResidentNotice, language: NoticeLanguage, params: ResidentParams): { subject: string; text: string } {
  return RESIDENT_TEMPLATES[language][code](params);
}
