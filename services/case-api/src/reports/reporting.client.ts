/**
 * The case API's client of the reporting service: one typed method per
 * reporting operation the case API offers, each call with a fresh service
 * token (60 s, `aud` minqing-reporting) that carries the signed-in principal,
 * so reporting decides scope and records actors itself. Reporting's problem
 * answers (400, 403, 404, 409) come back as the same problem; an unreachable
 * or failing reporting service, or one that refuses our credential (a secret
 * mismatch: an operator's problem, logged as an error), is a 503.
 */
import type { Static } from '@sinclair/typebox';
import {
  DependencyUnavailableError, DomainError, ProblemType, REPORTING_AUDIENCE,
  type CompositeResponse, type DeadLettersResponse, type DutyResponse, type FigureCasesResponse, type FigureDefinitionsResponse, type FiguresResponse, type AppraisalsResponse, type FrozenReportListResponse, type ReportSummarySchema,
  type DeadLettersQuery, type FrozenReportListQuery, type DutyQuery, type EnterAppraisalBody, type EvaluationPeriodQuery, type ExportFiguresQuery, type ExportFrozenQuery, type FigureCasesQuery,
  type EvaluationSheetAnswer, type EvaluationSheetExportQuery, type EvaluationSheetListAnswer, type EvaluationSheetListQuery, type EvaluationSheetQuery, type SignedSheetCreatedSchema, type SignedSheetSchema, type SignEvaluationSheetBody,
  type FourHelpsCasesQuery, type FourHelpsCasesResponse, type FourHelpsQuery, type FourHelpsReport,
  type PlanFiguresQuery, type PlanFiguresResponse,
  type FiguresQuery, type FreezeReportBody, type Logger, type Principal, type ScopePrincipal, type ServiceTokenSigner, type SummaryQuery,
} from '@minqing/shared';

/** A downloaded export, passed on as it came. */
export interface ReportingFile {
  contentType: string;
  disposition: string | null;
  body: Buffer;
}

/** The object answers are passed on to the console unchanged (reporting's OpenAPI document describes them). */
export type ReportingJson = Record<string, unknown>;

type Query = Record<string, string | number | boolean | undefined>;

/** The claims a service token carries: only what decides scope and names the actor. */
export const scopePrincipal = (p: Principal): ScopePrincipal => ({
  username: p.username,
  role: p.role,
  cadreCode: p.cadreCode,
  departmentCode: p.departmentCode,
  areaCodes: [...p.areaCodes],
});

export class ReportingClient {
  private readonly timeoutMs: number;

  constructor(private readonly deps: { baseUrl: string; signer: ServiceTokenSigner | null; logger?: Logger; timeoutMs?: number }) {
    this.timeoutMs = deps.timeoutMs ?? 30_000;
  }

  summary = (p: Principal, q: SummaryQuery) => this.json<Static<typeof ReportSummarySchema>>(p, 'GET', '/reports/summary', q);
  figures = (p: Principal, q: FiguresQuery) => this.json<Static<typeof FiguresResponse>>(p, 'GET', '/reports/figures', q);
  figureCases = (p: Principal, q: FigureCasesQuery) => this.json<Static<typeof FigureCasesResponse>>(p, 'GET', '/reports/figures/cases', q);
  exportFigures = (p: Principal, q: ExportFiguresQuery) => this.file(p, '/reports/figures/export', q);
  definitions = (p: Principal) => this.json<Static<typeof FigureDefinitionsResponse>>(p, 'GET', '/reports/definitions', {});
  duty = (p: Principal, q: DutyQuery) => this.json<Static<typeof DutyResponse>>(p, 'GET', '/reports/duty', q);
  composite = (p: Principal, q: EvaluationPeriodQuery) => this.json<Static<typeof CompositeResponse>>(p, 'GET', '/reports/composite', q);
  listAppraisals = (p: Principal, q: EvaluationPeriodQuery) => this.json<Static<typeof AppraisalsResponse>>(p, 'GET', '/reports/appraisals', q);
  enterAppraisal = async (p: Principal, body: EnterAppraisalBody): Promise<void> => {
    await this.call(p, 'POST', '/reports/appraisals', {}, body);
  };
  listFrozen = (p: Principal, q: FrozenReportListQuery) => this.json<Static<typeof FrozenReportListResponse>>(p, 'GET', '/reports/frozen', q);
  freeze = (p: Principal, body: FreezeReportBody) => this.json<ReportingJson & { id: string }>(p, 'POST', '/reports/frozen', {}, body);
  getFrozen = (p: Principal, id: string) => this.json(p, 'GET', `/reports/frozen/${encodeURIComponent(id)}`, {});
  exportFrozen = (p: Principal, id: string, q: ExportFrozenQuery) => this.file(p, `/reports/frozen/${encodeURIComponent(id)}/export`, q);
  deadLetters = (p: Principal, q: DeadLettersQuery) => this.json<Static<typeof DeadLettersResponse>>(p, 'GET', '/reports/dead-letters', q);
  rebuildStatus = (p: Principal) => this.json(p, 'GET', '/reports/rebuild', {});
  rebuild = (p: Principal) => this.json(p, 'POST', '/reports/rebuild', {});
  // the evaluation sheet per period (评先选优)
  evaluationSheet = (p: Principal, q: EvaluationSheetQuery) => this.json<Static<typeof EvaluationSheetAnswer>>(p, 'GET', '/reports/evaluation', q);
  signEvaluationSheet = (p: Principal, body: SignEvaluationSheetBody) => this.json<Static<typeof SignedSheetCreatedSchema>>(p, 'POST', '/reports/evaluation/sign-off', {}, body);
  listEvaluationSheets = (p: Principal, q: EvaluationSheetListQuery) => this.json<Static<typeof EvaluationSheetListAnswer>>(p, 'GET', '/reports/evaluation/sheets', q);
  getEvaluationSheet = (p: Principal, id: string) => this.json<Static<typeof SignedSheetSchema>>(p, 'GET', `/reports/evaluation/sheets/${encodeURIComponent(id)}`, {});
  exportEvaluationSheet = (p: Principal, id: string, q: EvaluationSheetExportQuery) => this.file(p, `/reports/evaluation/sheets/${encodeURIComponent(id)}/export`, q);
  // 四帮四促 by period and area
  fourHelps = (p: Principal, q: FourHelpsQuery) => this.json<FourHelpsReport>(p, 'GET', '/reports/four-helps', q);
  planFigures = (p: Principal, q: PlanFiguresQuery) => this.json<PlanFiguresResponse>(p, 'GET', '/reports/plans', q);
  fourHelpsCases = (p: Principal, q: FourHelpsCasesQuery) => this.json<FourHelpsCasesResponse>(p, 'GET', '/reports/four-helps/cases', q);

  /** A JSON answer, typed as reporting's OpenAPI document declares it (reporting validates its own output). */
  private async json<T = ReportingJson>(p: Principal, method: 'GET' | 'POST', path: string, query: Query, body?: unknown): Promise<T> {
    const res = await this.call(p, method, path, query, body);
    try {
      return (await res.json()) as T;
    } catch {
      throw new DependencyUnavailableError('the reporting service');
    }
  }

  private async file(p: Principal, path: string, query: Query): Promise<ReportingFile> {
    const res = await this.call(p, 'GET', path, query);
    return {
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      disposition: res.headers.get('content-disposition'),
      body: Buffer.from(await res.arrayBuffer()),
    };
  }

  private async call(p: Principal, method: 'GET' | 'POST', path: string, query: Query, body?: unknown): Promise<Response> {
    if (!this.deps.signer) {
      this.deps.logger?.error('no SERVICE_TOKEN_SECRETS: the case API cannot call the reporting service');
      throw new DependencyUnavailableError('the reporting service');
    }
    const url = new URL(`/api/v1${path}`, this.deps.baseUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const token = await this.deps.signer.sign(REPORTING_AUDIENCE, scopePrincipal(p));
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new DependencyUnavailableError('the reporting service');
    }
    if (res.ok) return res;
    const problem = (await res.json().catch(() => null)) as { type?: string; title?: string; detail?: string; errors?: unknown; code?: unknown; params?: unknown } | null;
    if (res.status === 401) {
      // Our own credential was refused: the two services do not share a secret (or the clocks disagree).
      this.deps.logger?.error({ status: res.status, detail: problem?.detail }, 'the reporting service refused the case API\'s service token; check SERVICE_TOKEN_SECRETS on both');
      throw new DependencyUnavailableError('the reporting service');
    }
    if (res.status >= 500 || !problem?.type) {
      this.deps.logger?.warn({ status: res.status, path }, 'the reporting service failed');
      throw new DependencyUnavailableError('the reporting service');
    }
    // Passed on as reporting said it, with its translatable code and params (e.g. rebuild_running).
    const extensions = Object.fromEntries(Object.entries({ errors: problem.errors, code: problem.code, params: problem.params }).filter(([, v]) => v !== undefined));
    throw new DomainError(problem.type ?? ProblemType.internal, res.status, problem.title ?? 'Refused', problem.detail ?? '', extensions);
  }
}
