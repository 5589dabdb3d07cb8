// A scenario for child-process runs: platform shop's budget (on the second page of DescribeBudgets)
// has ACTUAL notifications in ALARM.
import { BudgetsClient, DescribeBudgetsCommand, DescribeNotificationsForBudgetCommand } from '@aws-sdk/client-budgets';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { ACCOUNT, NOTIFICATIONS_ALARM, OTHER_BUDGETS, platformBudget } from './budget-fixtures';

mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
const budgets = mockClient(BudgetsClient);
budgets.on(DescribeBudgetsCommand).resolves({ Budgets: OTHER_BUDGETS, NextToken: 'page-2' });
budgets.on(DescribeBudgetsCommand, { NextToken: 'page-2' }).resolves({ Budgets: [platformBudget('shop')] });
budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: NOTIFICATIONS_ALARM });
