import type { Diagram, DiagramEdge, DiagramNode, EdgeKind, NodeKind } from './model';

/** A DOT double-quoted string: backslashes and quotes escaped, lines joined by `\n` (centred). */
export function dotString(lines: readonly string[]): string {
  const escaped = lines.map((line) => line.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\s*[\r\n]+\s*/g, ' '));
  return `"${escaped.join('\\n')}"`;
}

const SHAPES: Record<NodeKind, string> = {
  client: 'shape=oval',
  api: 'shape=box',
  route: 'shape=box',
  plan: 'shape=parallelogram',
  ingress: 'shape=hexagon',
  service: 'shape=box, peripheries=2',
  version: 'shape=box, style=rounded',
  'unknown-service': 'shape=box, style=dashed, color=red',
};

/** Requests and weights solid; mesh hops (mutual TLS) dashed; rate plans dotted, without an arrow. */
const STYLES: Record<EdgeKind, string> = { request: '', weight: '', mtls: 'style=dashed', plan: 'style=dotted, dir=none' };

function node(n: DiagramNode): string {
  return `${n.id} [label=${dotString(n.lines)}, ${SHAPES[n.kind]}];`;
}

function edge(e: DiagramEdge): string {
  const attributes = [e.label === undefined ? '' : `label=${dotString([e.label])}`, STYLES[e.kind]].filter((a) => a);
  return `${e.from} -> ${e.to}${attributes.length > 0 ? ` [${attributes.join(', ')}]` : ''};`;
}

/** The diagram in Graphviz DOT, left to right, a cluster per service (no trailing newline). */
export function renderDot(diagram: Diagram): string {
  const lines = [
    'digraph platform {',
    '  rankdir=LR;',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of diagram.nodes.filter((n) => n.group === undefined)) lines.push(`  ${node(n)}`);
  for (const group of diagram.groups) {
    lines.push(`  subgraph cluster_${group.id} {`, `    label=${dotString([group.label])};`);
    for (const n of diagram.nodes.filter((n) => n.group === group.id)) lines.push(`    ${node(n)}`);
    lines.push('  }');
  }
  for (const e of diagram.edges) lines.push(`  ${edge(e)}`);
  lines.push('}');
  return lines.join('\n');
}
