/**
 * Plans' rules (shared plans.ts): who reads and edits which plan, one plan per
 * area or department per year, an item's villages within the plan's, its owner
 * a roster cadre (of the department, for a department plan), which status
 * moves an item may make (dropping needs a reason), and that a change starts
 * from the current revision. Each revision is stored with who made it, then its
 * event is handed to the case worker (planItemWorkflow, one per item revision;
 * a hand-over that fails is retried). No SQL here (plans.repository.ts), no
 * HTTP (routes).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  assertSafeText, countedNextCursor, DEFAULT_CALENDAR, DomainError, filterFingerprint, ForbiddenError, planItemOverdue, localDateOf, mayMove, mayRecordProgress,
  NotFoundError, planEditable, planItemWorkflowId, planReadable, ProblemType, startOffset, TOWNSHIP_WIDE_ROLES, uuidV5,
  type AddPlanItemBody, type BusinessCalendar, type CreatePlanBody, type FieldError, type Logger, type Plan, type PlanItem, type PlanItemChange,
  type PlanItemEventData, type PlanItemRevision, type PlanItemStatus, type PlanKind, type PlanProgressBody, type Principal, type UpdatePlanItemBody,
} from '@minqing/shared';
import type { planItemWorkflow } from '@minqing/workflows/plans/workflows';
import type { ItemFilter, ItemRow, PlanFilter, PlanReader, PlanRow, PlansRepository } from './plans.repository';

/** Namespace of plan item event ids (v5 of `<item id>:r<revision>`); fixed forever. */
const PLAN_EVENT_NAMESPACE = '5d0f3c9e-7a41-5b62-8e0d-2c7b9f1a4e63';
export const planEventId = (itemId: string, revision: number): string => uuidV5(`${itemId}:r${revision}`, PLAN_EVENT_NAMESPACE);

const LIST = { plans: 'plans', items: 'plan-items', history: 'plan-item-history' } as const;

function fieldProblem(status: 400 | 422, ...errors: FieldError[]): DomainError {
  return new DomainError(ProblemType.validation, status, 'Invalid request', errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
}

function coded(type: string, status: number, title: string, detail: string, code: string, params: Record<string, string | number> = {}): DomainError {
  return new DomainError(type, status, title, detail, { code, params });
}

export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

export class PlansService {
  constructor(
    private readonly deps: {
      repository: PlansRepository;
      temporal: Client;
      taskQueue: string;
      logger?: Logger;
      calendar?: BusinessCalendar;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private today(): string {
    return localDateOf(this.now(), this.deps.calendar ?? DEFAULT_CALENDAR);
  }

  private reader(p: Principal): PlanReader {
    return { role: p.role, cadreCode: p.cadreCode, departmentCode: p.departmentCode, areaCodes: p.areaCodes, all: TOWNSHIP_WIDE_ROLES.includes(p.role) };
  }

  private view(p: Principal, r: PlanRow): Plan {
    return { ...r, editable: planEditable(p, r) };
  }

  private itemView(p: Principal, plan: PlanRow, i: ItemRow, today: string): PlanItem {
    return { ...i, overdue: planItemOverdue(i, today), mayProgress: mayRecordProgress(p, plan, i.ownerCode), mayEdit: planEditable(p, plan) };
  }

  async list(p: Principal, q: PlanFilter & { limit: number; cursor?: string }): Promise<Paged<Plan>> {
    const filters: PlanFilter = { year: q.year, kind: q.kind, area: q.area, department: q.department, q: q.q?.trim() || undefined };
    const fp = filterFingerprint({ ...filters, who: p.username });
    const offset = startOffset(LIST.plans, q, fp);
    const { rows, total } = await this.deps.repository.plans(this.reader(p), filters, this.today(), q.limit, offset);
    return { items: rows.map((r) => this.view(p, r)), nextCursor: countedNextCursor(LIST.plans, rows.length, total, offset, fp), total };
  }

  /** The plan, when `p` may read it (404 otherwise, as for a plan that does not exist: its existence is not told). */
  private async readable(p: Principal, planId: string): Promise<PlanRow> {
    const plan = await this.deps.repository.plan(planId, this.today());
    if (!plan) throw new NotFoundError('plan', planId);
    if (planReadable(p, plan, await this.deps.repository.readFacts(planId, p.cadreCode, p.areaCodes))) return plan;
    throw new NotFoundError('plan', planId);
  }

  async get(p: Principal, planId: string): Promise<Plan> {
    return this.view(p, await this.readable(p, planId));
  }

  async create(p: Principal, b: CreatePlanBody): Promise<Plan> {
    assertSafeText(b, 'body');
    const code = b.kind === 'area' ? b.areaCode : b.departmentCode;
    const other = b.kind === 'area' ? b.departmentCode : b.areaCode;
    const field = b.kind === 'area' ? 'body/areaCode' : 'body/departmentCode';
    if (!code || other !== undefined) {
      throw fieldProblem(400, { field, message: `an ${b.kind} plan names its ${b.kind === 'area' ? 'area' : 'department'} (and nothing else)`, code: 'plan_scope_required', params: {} });
    }
    const name = b.kind === 'area' ? await this.deps.repository.areaName(code) : await this.deps.repository.departmentName(code);
    if (name === null) throw fieldProblem(422, { field, message: `${code} does not exist`, code: 'invalid', params: {} });
    const scope = { kind: b.kind, areaCode: b.kind === 'area' ? code : null, departmentCode: b.kind === 'department' ? code : null };
    if (!planEditable(p, scope)) throw new ForbiddenError(`the ${b.kind} plan of ${code} is not yours to make (${p.role})`);
    const id = randomUUID();
    const title = b.title?.trim() || defaultTitle(b.kind, b.year, name);
    const created = await this.deps.repository.createPlan({ id, kind: b.kind, year: b.year, areaCode: scope.areaCode, departmentCode: scope.departmentCode, title, createdBy: p.username });
    if (!created) {
      throw coded(ProblemType.conflict, 409, 'The plan exists', `${code} has its ${b.kind} plan for ${b.year} already`, 'plan_exists', { year: b.year, code });
    }
    return this.view(p, (await this.deps.repository.plan(id, this.today()))!);
  }

  async items(p: Principal, planId: string, q: { status?: PlanItemStatus; owner?: string; q?: string; overdue?: boolean; limit: number; cursor?: string }): Promise<Paged<PlanItem>> {
    const plan = await this.readable(p, planId);
    const today = this.today();
    const filters: ItemFilter = { status: q.status, owner: q.owner, q: q.q?.trim() || undefined, overdueBefore: q.overdue ? today : undefined };
    const fp = filterFingerprint({ ...filters, planId });
    const offset = startOffset(LIST.items, q, fp);
    const { rows, total } = await this.deps.repository.items(planId, filters, q.limit, offset);
    return { items: rows.map((i) => this.itemView(p, plan, i, today)), nextCursor: countedNextCursor(LIST.items, rows.length, total, offset, fp), total };
  }

  async history(p: Principal, planId: string, itemId: string, q: { limit: number; cursor?: string }): Promise<Paged<PlanItemRevision>> {
    await this.readable(p, planId);
    if (!(await this.deps.repository.item(planId, itemId))) throw new NotFoundError('plan item', itemId);
    const fp = filterFingerprint({ itemId });
    const offset = startOffset(LIST.history, q, fp);
    const { rows, total } = await this.deps.repository.revisions(itemId, q.limit, offset);
    return { items: rows, nextCursor: countedNextCursor(LIST.history, rows.length, total, offset, fp), total };
  }

  /** An item's villages must be the plan's; its owner a roster cadre, of the department for a department plan. */
  private async checkTerms(plan: PlanRow, t: { villageCodes?: string[]; ownerCode?: string; dueDate?: string }): Promise<string | null> {
    const errors: FieldError[] = [];
    const outside = (t.villageCodes ?? []).filter((v) => !plan.villageCodes.includes(v));
    if (outside.length) errors.push({ field: 'body/villageCodes', message: `${outside.join(', ')} not among the plan's villages`, code: 'plan_village_outside', params: { villages: outside.join(', ') } });
    let ownerDepartment: string | null = null;
    if (t.ownerCode !== undefined) {
      const owner = await this.deps.repository.cadre(t.ownerCode);
      if (!owner) errors.push({ field: 'body/ownerCode', message: `${t.ownerCode} is not on the roster`, code: 'plan_owner_unknown', params: { owner: t.ownerCode } });
      else if (plan.kind === 'department' && owner.departmentCode !== plan.departmentCode) {
        errors.push({ field: 'body/ownerCode', message: `${t.ownerCode} is not of department ${plan.departmentCode}`, code: 'plan_owner_outside_department', params: { owner: t.ownerCode } });
      } else ownerDepartment = owner.departmentCode;
    }
    if (t.dueDate !== undefined) {
      const y = Number(t.dueDate.slice(0, 4));
      if (Number.isNaN(Date.parse(`${t.dueDate}T00:00:00Z`)) || y < plan.year - 1 || y > plan.year + 1) {
        errors.push({ field: 'body/dueDate', message: `must be a real date in or next to ${plan.year}`, code: 'invalid', params: {} });
      }
    }
    if (errors.length) throw fieldProblem(422, ...errors);
    return ownerDepartment;
  }

  async addItem(p: Principal, planId: string, b: AddPlanItemBody): Promise<PlanItem> {
    assertSafeText(b, 'body');
    const plan = await this.readable(p, planId);
    if (!planEditable(p, plan)) throw new ForbiddenError(`the plan ${planId} is not yours to edit (${p.role})`);
    const title = b.title.trim();
    if (!title) throw fieldProblem(400, { field: 'body/title', message: 'must not be blank', code: 'required', params: {} });
    const ownerDepartment = await this.checkTerms(plan, b);
    const itemId = randomUUID();
    await this.write(p, plan, null, {
      itemId, revision: 1, change: 'created', title, villageCodes: b.villageCodes, ownerCode: b.ownerCode, ownerDepartment, dueDate: b.dueDate,
      status: 'planned', previousStatus: null, doneOn: null, dropReason: null, note: b.note?.trim() || null,
    });
    return this.itemView(p, plan, (await this.deps.repository.item(planId, itemId))!, this.today());
  }

  private async current(planId: string, itemId: string, baseRevision: number): Promise<ItemRow> {
    const item = await this.deps.repository.item(planId, itemId);
    if (!item) throw new NotFoundError('plan item', itemId);
    if (item.revision !== baseRevision) throw this.changed(item.revision, baseRevision);
    return item;
  }

  private changed(current: number, base: number): DomainError {
    return coded(ProblemType.conflict, 409, 'The item changed meanwhile', `the item is at revision ${current}, not ${base}: reload it and make the change again`, 'plan_item_changed', { current, base });
  }

  async updateItem(p: Principal, planId: string, itemId: string, b: UpdatePlanItemBody): Promise<PlanItem> {
    assertSafeText(b, 'body');
    const plan = await this.readable(p, planId);
    if (!planEditable(p, plan)) throw new ForbiddenError(`the plan ${planId} is not yours to edit (${p.role})`);
    const item = await this.current(planId, itemId, b.baseRevision);
    if (b.title !== undefined && !b.title.trim()) throw fieldProblem(400, { field: 'body/title', message: 'must not be blank', code: 'required', params: {} });
    const ownerDepartment = await this.checkTerms(plan, { ...b, ownerCode: b.ownerCode ?? item.ownerCode });
    await this.write(p, plan, item, {
      itemId, revision: item.revision + 1, change: 'edited', title: b.title?.trim() ?? item.title, villageCodes: b.villageCodes ?? item.villageCodes,
      ownerCode: b.ownerCode ?? item.ownerCode, ownerDepartment, dueDate: b.dueDate ?? item.dueDate,
      status: item.status, previousStatus: item.status, doneOn: item.doneOn, dropReason: item.dropReason, note: b.note?.trim() || null,
    });
    return this.itemView(p, plan, (await this.deps.repository.item(planId, itemId))!, this.today());
  }

  async progress(p: Principal, planId: string, itemId: string, b: PlanProgressBody): Promise<PlanItem> {
    assertSafeText(b, 'body');
    const plan = await this.readable(p, planId);
    const item = await this.deps.repository.item(planId, itemId);
    if (!item) throw new NotFoundError('plan item', itemId);
    if (!mayRecordProgress(p, plan, item.ownerCode)) throw new ForbiddenError(`only the item's owner or the plan's owner records its progress (${p.role})`);
    if (item.revision !== b.baseRevision) throw this.changed(item.revision, b.baseRevision);
    const to = b.status ?? item.status;
    const note = b.note?.trim() || null;
    if (to === item.status && !note) throw fieldProblem(400, { field: 'body/note', message: 'a progress without a status change needs a note', code: 'required', params: {} });
    if (!mayMove(item.status, to)) {
      throw coded(ProblemType.transitionNotAllowed, 409, 'Not allowed', `an item ${item.status} cannot become ${to}`, 'plan_move_not_allowed', { from: item.status, to });
    }
    if (to === 'dropped' && item.status !== 'dropped' && !note) {
      throw fieldProblem(400, { field: 'body/note', message: 'dropping an item needs the reason', code: 'plan_reason_required', params: {} });
    }
    const today = this.today();
    const owner = await this.deps.repository.cadre(item.ownerCode);
    await this.write(p, plan, item, {
      itemId, revision: item.revision + 1, change: 'progress', title: item.title, villageCodes: item.villageCodes, ownerCode: item.ownerCode,
      ownerDepartment: owner?.departmentCode ?? null, dueDate: item.dueDate, status: to, previousStatus: item.status,
      doneOn: to === 'done' ? (item.status === 'done' ? item.doneOn : today) : null,
      dropReason: to === 'dropped' ? (item.status === 'dropped' ? item.dropReason : note) : null,
      note,
    });
    return this.itemView(p, plan, (await this.deps.repository.item(planId, itemId))!, this.today());
  }

  /** Stores the revision (409 when another change came first), then hands its event to the worker. */
  private async write(
    p: Principal,
    plan: PlanRow,
    before: ItemRow | null,
    r: {
      itemId: string; revision: number; change: PlanItemChange; title: string; villageCodes: string[]; ownerCode: string; ownerDepartment: string | null; dueDate: string;
      status: PlanItemStatus; previousStatus: PlanItemStatus | null; doneOn: string | null; dropReason: string | null; note: string | null;
    },
  ): Promise<void> {
    const at = this.now().toISOString();
    const data: PlanItemEventData = {
      planId: plan.id, planKind: plan.kind as PlanKind, year: plan.year, areaCode: plan.areaCode, departmentCode: plan.departmentCode,
      itemId: r.itemId, revision: r.revision, change: r.change, status: r.status, previousStatus: r.previousStatus, ownerCode: r.ownerCode,
      ownerDepartmentCode: r.ownerDepartment, dueDate: r.dueDate, doneOn: r.doneOn, villageCodes: r.villageCodes, actorCode: p.cadreCode, at,
    };
    const event = { eventId: planEventId(r.itemId, r.revision), data };
    const written = await this.deps.repository.writeRevision({
      itemId: r.itemId, planId: plan.id, revision: r.revision, change: r.change, title: r.title, villageCodes: r.villageCodes, ownerCode: r.ownerCode,
      dueDate: r.dueDate, status: r.status, previousStatus: r.previousStatus, doneOn: r.doneOn, dropReason: r.dropReason, note: r.note,
      by: { username: p.username, name: p.name, role: p.role, cadreCode: p.cadreCode }, at, event,
    });
    if (!written) throw this.changed(before ? before.revision + 1 : 1, before?.revision ?? 0);
    await this.handOver(event);
  }

  /** Starts the revision's workflow; true when it runs (now or already). A failure is logged and retried later. */
  async handOver(event: { eventId: string; data: PlanItemEventData }): Promise<boolean> {
    const { itemId, revision } = event.data;
    try {
      await this.deps.temporal.workflow.start<typeof planItemWorkflow>('planItemWorkflow', {
        taskQueue: this.deps.taskQueue,
        workflowId: planItemWorkflowId(itemId, revision),
        args: [event],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        this.deps.logger?.warn({ item: itemId, revision, err: (err as Error).name }, 'plan item event not handed over yet; will retry');
        return false;
      }
    }
    await this.deps.repository.eventStarted(itemId, revision);
    return true;
  }

  /** Hands over the events of revisions whose hand-over failed (e.g. the workflow engine was away). */
  async retryHandOvers(opts: { limit?: number; minAgeMs?: number } = {}): Promise<number> {
    let started = 0;
    for (const e of await this.deps.repository.unstartedEvents(opts.limit ?? 50, opts.minAgeMs ?? 30_000)) if (await this.handOver(e)) started++;
    return started;
  }
}

function defaultTitle(kind: PlanKind, year: number, name: string): string {
  return kind === 'area' ? `${name}${year}年片区工作计划` : `${name}${year}年度服务计划`;
}
