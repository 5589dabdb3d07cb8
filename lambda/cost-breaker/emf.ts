/**
 * CloudWatch Embedded Metric Format: a metric is one JSON document written to stdout, which
 * CloudWatch Logs turns into a metric. No CloudWatch API call and no IAM permission.
 *
 * With the Lambda JSON log format (`AWS_LAMBDA_LOG_FORMAT=JSON`, which BundledFunction sets), the
 * runtime's `console.log` wraps each line in its own JSON object and CloudWatch no longer sees the
 * document; like AWS's aws-embedded-metrics library, the document is then written through a
 * Console of its own on process.stdout, which the runtime does not wrap. With the text format, the
 * runtime's `console.log` is used.
 */
import { Console } from 'node:console';

export const NAMESPACE = 'Platform/CostBreaker';

/** The metrics the breaker emits, all counts. */
export type MetricName = 'BreakerTripped' | 'BreakerIgnoredMessages';

/** One EMF document: `value` of `metric` with the dimension `Platform`, plus context properties. */
export function emfDocument(
  metric: MetricName,
  value: number,
  platform: string,
  properties: Record<string, unknown> = {},
  timestamp: number = Date.now(),
): Record<string, unknown> {
  return {
    ...properties,
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: NAMESPACE, Dimensions: [['Platform']], Metrics: [{ Name: metric, Unit: 'Count' }] }],
    },
    Platform: platform,
    [metric]: value,
  };
}

/** Writes one EMF document as one line; chooses how once, from the log format. */
export function createEmfWriter(env: Readonly<Record<string, string | undefined>>): (doc: Record<string, unknown>) => void {
  const out = env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON' ? new Console(process.stdout, process.stderr) : console;
  return (doc) => out.log(JSON.stringify(doc));
}
