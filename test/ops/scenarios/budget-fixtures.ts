// Budgets as DescribeBudgets and DescribeNotificationsForBudget return them, for the budget tests
// and scenarios. No side effects: importing this mocks nothing.
import type { Budget, Notification } from '@aws-sdk/client-budgets';

export const ACCOUNT = '111122223333';

/** A budget as `PlatformBudget` creates it for platform `platform` (CloudFormation names it). */
export function platformBudget(platform: string, overrides: Partial<Budget> = {}): Budget {
  return {
    BudgetName: `${platform}-Budget-1A2B3C4D5E6F`,
    BudgetType: 'COST',
    TimeUnit: 'MONTHLY',
    BudgetLimit: { Amount: '500.0', Unit: 'USD' },
    CostFilters: { TagKeyValue: [`user:platform$${platform}`] },
    CalculatedSpend: { ActualSpend: { Amount: '412.5', Unit: 'USD' }, ForecastedSpend: { Amount: '610.0', Unit: 'USD' } },
    ...overrides,
  };
}

/** Budgets of the same account that are not the platform's. */
export const OTHER_BUDGETS: Budget[] = [
  { BudgetName: 'account-total', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: '5000', Unit: 'USD' } },
  // The same tag, but a usage budget.
  { BudgetName: 'shop-ec2-hours', BudgetType: 'USAGE', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: '900', Unit: 'Hrs' }, CostFilters: { TagKeyValue: ['user:platform$shop'] } },
  // Another platform's budget.
  platformBudget('shop-dev', { BudgetName: 'shop-dev-Budget-9Z8Y7X' }),
];

const notification = (type: 'ACTUAL' | 'FORECASTED', threshold: number, state: 'ALARM' | 'OK'): Notification => ({
  NotificationType: type,
  ComparisonOperator: 'GREATER_THAN',
  Threshold: threshold,
  ThresholdType: 'PERCENTAGE',
  NotificationState: state,
});

/** The platform's notifications (ACTUAL 50/80/100 %, FORECASTED 100 %) at 82.5 % actual spend. */
export const NOTIFICATIONS_ALARM: Notification[] = [
  notification('ACTUAL', 50, 'ALARM'),
  notification('ACTUAL', 80, 'ALARM'),
  notification('ACTUAL', 100, 'OK'),
  notification('FORECASTED', 100, 'ALARM'),
];

/** Early in the month: nothing fired, not even the forecast. */
export const NOTIFICATIONS_OK: Notification[] = NOTIFICATIONS_ALARM.map((n) => ({ ...n, NotificationState: 'OK' }));

/** Only the forecast fired: a warning, not a failed check. */
export const NOTIFICATIONS_FORECAST_ONLY: Notification[] = NOTIFICATIONS_OK.map((n) =>
  n.NotificationType === 'FORECASTED' ? { ...n, NotificationState: 'ALARM' } : n,
);
