/**
 * A small IAM evaluator for the policies a Lambda authorizer returns, as API Gateway applies them
 * to a request's method ARN: an explicit Deny wins, then an Allow, otherwise the implicit deny.
 * In Action and Resource patterns `*` matches any run of characters (including `/`), `?` exactly one.
 */

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Statement {
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
}

export interface Policy {
  readonly Statement: readonly Statement[] | Statement;
}

const asList = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** Whether an IAM pattern (`*`, `?` wildcards) matches the whole of `value`. */
export function iamMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'si' : 's').test(value);
}

/** How `policy` decides `action` on `resource`. */
export function evaluate(policy: Policy, action: string, resource: string): Decision {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement as Statement];
  const applies = (s: Statement): boolean =>
    asList(s.Action).some((a) => iamMatches(a, action, true)) && asList(s.Resource).some((r) => iamMatches(r, resource));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return 'ExplicitDeny';
  if (statements.some((s) => s.Effect === 'Allow' && applies(s))) return 'Allow';
  return 'ImplicitDeny';
}

/** How `policy` decides `execute-api:Invoke` on a request's method ARN. */
export const invokeDecision = (policy: Policy, methodArn: string): Decision => evaluate(policy, 'execute-api:Invoke', methodArn);
