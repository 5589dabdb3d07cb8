import {
  type Budget,
  type BudgetsClient,
  DescribeBudgetsCommand,
  DescribeNotificationsForBudgetCommand,
  type Notification,
} from '@aws-sdk/client-budgets';
import { COST_ALLOCATION_TAG, costFilterTagValue } from '../../platform-names';

/** The `TagKeyValue` cost filter of a platform's budget, as `PlatformBudget` writes it. */
export function platformTagFilter(platformName: string): string {
  return costFilterTagValue(COST_ALLOCATION_TAG, platformName);
}

/**
 * Every budget of an account, page by page (DescribeBudgets with NextToken); `onPage` hears the
 * count so far. An account without any budget answers NotFoundException: that is an empty list.
 */
export async function listBudgets(client: BudgetsClient, accountId: string, onPage: (count: number) => void = () => {}): Promise<Budget[]> {
  const budgets: Budget[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new DescribeBudgetsCommand({ AccountId: accountId, MaxResults: 100, NextToken: nextToken }));
    } catch (err) {
      if (nextToken === undefined && (err as { name?: string }).name === 'NotFoundException') return [];
      throw err;
    }
    budgets.push(...(page.Budgets ?? []));
    onPage(budgets.length);
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return budgets;
}

/** The COST budgets whose cost filter is the platform's tag, in the order AWS listed them. */
export function platformBudgets(budgets: Budget[], platformName: string): Budget[] {
  const filter = platformTagFilter(platformName);
  return budgets.filter((budget) => budget.BudgetType === 'COST' && (budget.CostFilters?.TagKeyValue ?? []).includes(filter));
}

/** A budget's notifications with their state, page by page; a budget without any has none (NotFoundException). */
export async function listNotifications(client: BudgetsClient, accountId: string, budgetName: string): Promise<Notification[]> {
  const notifications: Notification[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new DescribeNotificationsForBudgetCommand({ AccountId: accountId, BudgetName: budgetName, MaxResults: 100, NextToken: nextToken }),
      );
    } catch (err) {
      if (nextToken === undefined && (err as { name?: string }).name === 'NotFoundException') return [];
      throw err;
    }
    notifications.push(...(page.Notifications ?? []));
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return notifications;
}
