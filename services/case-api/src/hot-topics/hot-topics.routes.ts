/**
 * /api/v1/hot-topics and /api/v1/monthly-topics — the month's recurring issues
 * across cases (热点问题) and the township's topic of the month (每月一题).
 * Thin: schemas in, service, reply out. Who may use a route is the shared table
 * (HOT_TOPIC_OPERATIONS), refused at the front door; who took a topic up is the
 * session's user, never a body field; a take-up is audited (codes only: the
 * month, the topic's id, the revision — never the note).
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CASE_CATEGORIES, Code as CodeString, HOT_TOPIC_OPERATIONS, HotTopicCaseSchema, HotTopicSchema, MonthlyTopicSchema, MonthSchema, PageAnswer, PageQuery,
  problemResponses, TakeUpBodySchema, Text, TopicIdSchema, type HotTopicOperation, type TakeUpBody,
} from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { AuditLog } from '../audit/audit.service';
import type { HotTopicsService } from './hot-topics.service';

const tags = ['hot topics'];
const roles = (op: HotTopicOperation) => HOT_TOPIC_OPERATIONS[op];
const Code = CodeString();
const Nullable = <T extends ReturnType<typeof Type.Ref>>(s: T) => Type.Union([s, Type.Null()]);

export const hotTopicsRoutes: FastifyPluginAsyncTypebox<{ hotTopics: HotTopicsService; audit: AuditLog }> = async (app, { hotTopics, audit }) => {
  app.addSchema(HotTopicSchema);
  app.addSchema(HotTopicCaseSchema);
  app.addSchema(MonthlyTopicSchema);

  app.get('/hot-topics', {
    config: { roles: roles('listHotTopics') },
    schema: {
      operationId: 'listHotTopics',
      summary: "A month's hot topics (热点问题): cases of one category whose keywords overlap, among the cases you may see, most cases first — each with its keywords, villages, households, and its cases the month before; the month's topic (每月一题) if one was taken up; filtered by category, village or keyword; paged by cursor",
      description: 'Keywords come from Chinese word segmentation of the cases\' titles and descriptions (jieba TF-IDF); a topic has at least two cases. Computed on each call from the month\'s cases, so a new case counts at once.',
      tags,
      querystring: Type.Object(
        {
          month: MonthSchema(),
          category: Type.Optional(Type.Union(CASE_CATEGORIES.map((c) => Type.Literal(c)))),
          village: Type.Optional(Code),
          q: Type.Optional(Text({ minLength: 1, maxLength: 20, description: 'a keyword, or part of one' })),
          ...PageQuery({ defaultLimit: 20, maxLimit: 100 }),
        },
        { additionalProperties: false },
      ),
      response: {
        200: PageAnswer(Type.Ref(HotTopicSchema), {
          month: Type.String(),
          previousMonth: Type.String({ description: 'the month trends compare with' }),
          casesInMonth: Type.Integer({ description: 'cases of the month you may see' }),
          casesInTopics: Type.Integer({ description: 'of them, in a topic' }),
          monthlyTopic: Nullable(Type.Ref(MonthlyTopicSchema)),
          total: Type.Integer({ description: 'topics matching the filters' }),
        }),
        ...problemResponses(400),
      },
    },
  }, async (request) => hotTopics.list(principalOf(request), request.query));

  app.get('/hot-topics/:topicId/cases', {
    config: { roles: roles('hotTopicCases') },
    schema: {
      operationId: 'hotTopicCases',
      summary: "A hot topic's cases (those you may see), newest first, paged by cursor; a topic taken up that is no longer among the month's (its cases regrouped) answers with its cases as taken up (`source`)",
      tags,
      params: Type.Object({ topicId: TopicIdSchema() }),
      querystring: Type.Object({ month: MonthSchema(), ...PageQuery({ defaultLimit: 20, maxLimit: 100 }) }, { additionalProperties: false }),
      response: {
        200: PageAnswer(Type.Ref(HotTopicCaseSchema), {
          month: Type.String(),
          topic: Type.Object({ id: Type.String(), category: Type.String(), keywords: Type.Array(Type.String()) }, { additionalProperties: false }),
          source: Type.Union([Type.Literal('live'), Type.Literal('taken_up')], { description: "live: the month's topic as it is now; taken_up: as it was taken up" }),
          total: Type.Integer({ description: 'its cases you may see' }),
        }),
        ...problemResponses(400, 404),
      },
    },
  }, async (request) => hotTopics.cases(principalOf(request), request.params.topicId, request.query));

  app.post('/monthly-topics', {
    config: { roles: roles('takeUpHotTopic') },
    bodyLimit: 16 * 1024,
    schema: {
      operationId: 'takeUpHotTopic',
      summary: "Take up a hot topic as the month's topic (定为本月一题) — the township leadership; with a note; recorded as the signed-in user, audited. A month has one: changing it needs the revision it replaces and a reason, kept in its history",
      description:
        '404 (`code` hot_topic_not_found) when the topic is not among the month\'s; 409 (`code` monthly_topic_taken) when the month has a topic and no replacesRevision was sent; 409 (`code` monthly_topic_changed) when replacesRevision is not the current one; 400 naming body/reason when a change has no reason.',
      tags,
      body: TakeUpBodySchema,
      response: { 201: Type.Ref(MonthlyTopicSchema), ...problemResponses(400, 404, 409, 413, 415) },
    },
  }, async (request, reply) => {
    const taken = await hotTopics.takeUp(principalOf(request), request.body as TakeUpBody);
    // The decision stands even if its entry cannot be written (logged as an error, like a case move).
    await audit.record(request, {
      action: 'monthly_topic.take_up',
      subjectType: 'monthly_topic',
      subject: taken.month,
      details: { revision: taken.revision, topicId: taken.topicId, category: taken.category, caseCount: taken.caseCount, changed: taken.revision > 1 },
    });
    return reply.code(201).send(taken);
  });

  app.get('/monthly-topics', {
    config: { roles: roles('listMonthlyTopics') },
    schema: {
      operationId: 'listMonthlyTopics',
      summary: "Each month's topic (每月一题) as it stands, newest month first, between `from` and `to`; `revisions` says how often it was changed; paged by cursor",
      tags,
      querystring: Type.Object(
        { from: Type.Optional(MonthSchema('first month (YYYY-MM)')), to: Type.Optional(MonthSchema('last month (YYYY-MM)')), ...PageQuery({ defaultLimit: 12, maxLimit: 100 }) },
        { additionalProperties: false },
      ),
      response: { 200: PageAnswer(Type.Ref(MonthlyTopicSchema)), ...problemResponses(400) },
    },
  }, async (request) => hotTopics.months(request.query));

  app.get('/monthly-topics/:month/history', {
    config: { roles: roles('monthlyTopicHistory') },
    schema: {
      operationId: 'monthlyTopicHistory',
      summary: "Every decision on a month's topic, newest first: what was taken up, by whom, when, with its note and the reason for each change; paged by cursor",
      tags,
      params: Type.Object({ month: MonthSchema('a month YYYY-MM') }),
      querystring: Type.Object({ ...PageQuery({ defaultLimit: 20, maxLimit: 100 }) }, { additionalProperties: false }),
      response: { 200: PageAnswer(Type.Ref(MonthlyTopicSchema), { total: Type.Integer({ description: 'revisions in all' }) }), ...problemResponses(400) },
    },
  }, async (request) => hotTopics.history(request.params.month, request.query));
};
