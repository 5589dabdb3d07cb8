import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Which stack each service's resources go to. Stacks are in deploy order: the core stack first, then
 * the service stacks by number. A stack may refer only to stacks before it, so what joins two
 * services (a security-group rule between them) goes to the later of their stacks.
 */
export interface ServicePlacement {
  /** The stack of a service's resources. */
  stackOf(service: string): Stack;
  /**
   * The later of two stacks in deploy order: where something that refers to both goes.
   * `undefined` stands for the core stack (for example the mesh ingress).
   */
  laterOf(a: string | undefined, b: string | undefined): Stack;
}

/** Everything in one stack. */
export function oneStack(stack: Stack): ServicePlacement {
  return { stackOf: () => stack, laterOf: () => stack };
}

/** The construct `id` directly under `scope`, created when it is not there yet. */
export function partIn(scope: Construct, id: string): Construct {
  return scope.node.tryFindChild(id) ?? new Construct(scope, id);
}


/**
 * The construct at `construct`'s path (relative to its stack) in `stack`: `construct` itself in its
 * own stack; in another stack, plain constructs with the same ids, created as needed. A part of the
 * platform keeps its resources under the same path in every stack, so a service's construct paths,
 * and its logical IDs, are the same whichever stack holds it.
 */
export function mirrorIn(stack: Stack, construct: Construct): Construct {
  const own = Stack.of(construct);
  if (own === stack) return construct;
  const ids = construct.node.scopes.slice(construct.node.scopes.indexOf(own) + 1).map((scope) => scope.node.id);
  return ids.reduce<Construct>((scope, id) => partIn(scope, id), stack);
}
