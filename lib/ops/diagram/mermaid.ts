import type { Diagram, DiagramEdge, DiagramNode, EdgeKind, NodeKind } from './model';

/**
 * Label text made safe for Mermaid: characters that end a label or start markup become entity
 * codes (`#quot;`, `#lt;`…), which Mermaid renders as the character; line breaks become spaces.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/`/g, '#96;')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

/** A quoted label: lines joined by `<br/>`. */
function label(lines: readonly string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

const SHAPES: Record<NodeKind, (text: string) => string> = {
  client: (text) => `([${text}])`,
  api: (text) => `[${text}]`,
  route: (text) => `[${text}]`,
  plan: (text) => `[/${text}/]`,
  ingress: (text) => `{{${text}}}`,
  service: (text) => `[[${text}]]`,
  version: (text) => `(${text})`,
  'unknown-service': (text) => `>${text}]`,
};

/** Requests and weights solid; mesh hops (mutual TLS) dashed; rate plans dotted, without an arrow. */
const LINKS: Record<EdgeKind, string> = { request: '-->', weight: '-->', mtls: '-.->', plan: '-.-' };

function node(n: DiagramNode): string {
  return `${n.id}${SHAPES[n.kind](label(n.lines))}`;
}

function edge(e: DiagramEdge): string {
  const text = e.label === undefined ? '' : `|${mermaidText(e.label)}|`;
  return `${e.from} ${LINKS[e.kind]}${text} ${e.to}`;
}

/** The diagram as a Mermaid flowchart, left to right (no trailing newline). */
export function renderMermaid(diagram: Diagram): string {
  const lines = ['flowchart LR'];
  for (const n of diagram.nodes.filter((n) => n.group === undefined)) lines.push(`  ${node(n)}`);
  for (const group of diagram.groups) {
    lines.push(`  subgraph ${group.id} [${label([group.label])}]`);
    for (const n of diagram.nodes.filter((n) => n.group === group.id)) lines.push(`    ${node(n)}`);
    lines.push('  end');
  }
  for (const e of diagram.edges) lines.push(`  ${edge(e)}`);
  return lines.join('\n');
}
