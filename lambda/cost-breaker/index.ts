/**
 * The spend circuit breaker, subscribed to the cost topic that CloudWatch spend alarms and AWS
 * Budgets notifications publish to.
 *
 * When a listed spend alarm enters ALARM, or an ACTUAL budget notification for the platform's
 * budget reaches TRIP_ON_BUDGET_PERCENT of it (see messages.ts), it lowers the stage's default
 * method throttling (`methodSettings['*\/*']`) to the floor: GetStage, then UpdateStage with a
 * `replace` of exactly the limits above the floor (throttle.ts). It never raises a limit; restoring
 * them is an operator's act. Several records in one event trip it at most once.
 *
 * One JSON log line per decision. A message that is not understood is logged (with a short
 * preview only) and ignored: a bad message must not fail the invocation, which would only be
 * retried. A broken configuration, in contrast, fails every invocation, and so does an API Gateway
 * error that survives the SDK's retries (after it is logged), so that the function's Errors metric
 * and the asynchronous invocation's retries make it visible.
 *
 * Metrics, in CloudWatch Embedded Metric Format (emf.ts), namespace Platform/CostBreaker,
 * dimension Platform: `BreakerTripped` (1, when UpdateStage was called) and
 * `BreakerIgnoredMessages` (the number of unrecognized messages in the invocation, when any).
 */
import { APIGatewayClient, GetStageCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { type BreakerConfig, type Limits, loadConfig } from './config';
import { createEmfWriter, emfDocument } from './emf';
import { classify } from './messages';
import { type CurrentLimits, currentLimits, patchOperations, targetLimits } from './throttle';

/** How many characters of an unrecognized message the log shows. */
export const PREVIEW_CHARS = 64;

/** What an invocation did, for callers and tests. */
export interface BreakerResult {
  /** Records that asked for the breaker to trip. */
  readonly triggers: number;
  /** Records that were not understood. */
  readonly unrecognized: number;
  readonly outcome: 'no_trigger' | 'tripped' | 'already_at_floor';
}

type Level = 'INFO' | 'WARN' | 'ERROR';

function log(level: Level, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, logger: 'cost-breaker', ...fields });
  if (level === 'INFO') console.log(line);
  else if (level === 'WARN') console.warn(line);
  else console.error(line);
}

type State = { readonly ok: true; readonly config: BreakerConfig } | { readonly ok: false; readonly error: string };

function init(): State {
  try {
    return { ok: true, config: loadConfig(process.env) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log('ERROR', { msg: 'invalid configuration; every invocation will fail', reason: 'config_invalid', detail: error });
    return { ok: false, error };
  }
}

/** Read once per cold start. */
const state = init();
const writeEmf = createEmfWriter(process.env);
/**
 * Created once. The SDK's standard retry strategy retries throttling and transient errors (up to
 * 4 attempts, exponential backoff with jitter); what survives is thrown.
 */
const apiGateway = new APIGatewayClient({ maxAttempts: 4 });

const shorten = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Where a record came from, for the log; never the message itself. */
function recordFields(record: SNSEventRecord | undefined, index: number): Record<string, unknown> {
  const sns = record?.Sns;
  return {
    record: index,
    messageId: typeof sns?.MessageId === 'string' ? sns.MessageId : undefined,
    subject: typeof sns?.Subject === 'string' ? shorten(sns.Subject, 120) : undefined,
  };
}

/** Names of what asked for the trip, for the outcome's log line. */
interface Trigger {
  readonly reason: string;
  readonly alarmName?: string;
  readonly budgetName?: string;
}

const limitsOrNull = (limits: CurrentLimits) => ({ rateLimit: limits.rateLimit ?? null, burstLimit: limits.burstLimit ?? null });

/** An SDK error's name, message and HTTP status, for the log. */
function describeError(err: unknown): Record<string, unknown> {
  const e = err as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown; attempts?: unknown; totalRetryDelay?: unknown } };
  return {
    errorName: typeof e?.name === 'string' ? e.name : typeof err,
    errorMessage: typeof e?.message === 'string' ? shorten(e.message, 300) : undefined,
    httpStatusCode: e?.$metadata?.httpStatusCode,
    attempts: e?.$metadata?.attempts,
    totalRetryDelayMs: e?.$metadata?.totalRetryDelay,
  };
}

async function call<T>(operation: string, context: Record<string, unknown>, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    log('ERROR', { msg: `${operation} failed; the breaker did not trip`, reason: 'api_error', operation, ...context, ...describeError(err) });
    throw err;
  }
}

/** Lowers the stage's default throttling to the floor, if it is above it. */
async function trip(config: BreakerConfig, triggers: readonly Trigger[]): Promise<'tripped' | 'already_at_floor'> {
  const { restApiId, stageName, floor } = config;
  const context = {
    restApiId,
    stageName,
    alarmName: triggers.find((t) => t.alarmName)?.alarmName,
    budgetName: triggers.find((t) => t.budgetName)?.budgetName,
    triggers,
  };
  const stage = await call('GetStage', context, () => apiGateway.send(new GetStageCommand({ restApiId, stageName })));
  const previous = currentLimits(stage.methodSettings);
  const patch = patchOperations(previous, floor);
  if (patch.length === 0) {
    log('INFO', {
      msg: 'the stage is already at or below the floor; nothing changed',
      reason: 'already_at_floor',
      ...context,
      previous: limitsOrNull(previous),
      floor,
    });
    return 'already_at_floor';
  }
  const next: Limits = targetLimits(previous, floor);
  await call('UpdateStage', { ...context, patchOperations: patch }, () =>
    apiGateway.send(new UpdateStageCommand({ restApiId, stageName, patchOperations: patch })),
  );
  log('WARN', {
    msg: 'breaker tripped: stage throttling lowered to the floor',
    reason: 'tripped',
    ...context,
    previous: limitsOrNull(previous),
    new: next,
    floor,
    patchOperations: patch,
  });
  writeEmf(emfDocument('BreakerTripped', 1, config.platform, { restApiId, stageName }));
  return 'tripped';
}

export const handler = async (event: SNSEvent): Promise<BreakerResult> => {
  if (!state.ok) {
    throw new Error(`cost-breaker: invalid configuration: ${state.error}`);
  }
  const { config } = state;
  const records: unknown[] = Array.isArray(event?.Records) ? event.Records : [];
  if (records.length === 0) {
    log('WARN', { msg: 'event without SNS records; ignored', reason: 'unrecognized_message', detail: 'no Records' });
  }

  const triggers: Trigger[] = [];
  let unrecognized = 0;
  records.forEach((value, index) => {
    const record = value as SNSEventRecord | undefined;
    const where = recordFields(record, index);
    const message: unknown = record?.Sns?.Message;
    const verdict = classify(message, config);
    switch (verdict.kind) {
      case 'unrecognized':
        unrecognized += 1;
        log('WARN', {
          msg: 'message not understood; ignored',
          reason: 'unrecognized_message',
          detail: verdict.detail,
          ...where,
          length: typeof message === 'string' ? message.length : undefined,
          preview: typeof message === 'string' ? shorten(message, PREVIEW_CHARS) : typeof message,
        });
        break;
      case 'ignore':
        log('INFO', { msg: 'message does not trip the breaker; ignored', reason: verdict.reason, ...where, ...verdict.fields });
        break;
      case 'trip': {
        const { alarmName, budgetName } = verdict.fields as { alarmName?: string; budgetName?: string };
        triggers.push({ reason: verdict.reason, alarmName, budgetName });
        log('INFO', { msg: 'message trips the breaker', reason: verdict.reason, ...where, ...verdict.fields });
        break;
      }
    }
  });

  if (unrecognized > 0) {
    writeEmf(emfDocument('BreakerIgnoredMessages', unrecognized, config.platform));
  }
  const outcome = triggers.length > 0 ? await trip(config, triggers) : 'no_trigger';
  return { triggers: triggers.length, unrecognized, outcome };
};
