/**
 * Custom Temporal search attributes for the queues, so
 * `temporal workflow list --query "MinqingCaseStatus='submitted'"` works.
 * They hold no personal data. The local stack registers them on the dev server;
 * a real cluster needs `temporal operator search-attribute create` (README).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA = {
  status: defineSearchAttributeKey('MinqingCaseStatus', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('MinqingCategory', SearchAttributeType.KEYWORD),
  priority: defineSearchAttributeKey('MinqingPriority', SearchAttributeType.KEYWORD),
  assignee: defineSearchAttributeKey('MinqingAssignee', SearchAttributeType.KEYWORD),
  area: defineSearchAttributeKey('MinqingArea', SearchAttributeType.KEYWORD),
  village: defineSearchAttributeKey('MinqingVillage', SearchAttributeType.KEYWORD),
  escalationLevel: defineSearchAttributeKey('MinqingEscalationLevel', SearchAttributeType.INT),
  dueAt: defineSearchAttributeKey('MinqingDueAt', SearchAttributeType.DATETIME),
} as const;

/** `Name=Type` pairs in the form the Temporal CLI's `--search-attribute` flag takes. */
export const SEARCH_ATTRIBUTE_CLI_SPECS: string[] = Object.values(SA).map((k) => {
  const cliType: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.INT]: 'Int',
    [SearchAttributeType.DATETIME]: 'Datetime',
  };
  return `${k.name}=${cliType[k.type]}`;
});
