import type { PlatformConfig } from '../../config/types';
import { renderDot } from './dot';
import { renderMermaid } from './mermaid';
import { buildDiagram } from './model';

export { renderDot, dotString } from './dot';
export { renderMermaid, mermaidText } from './mermaid';
export { authLabel, buildDiagram, formatCount, formatThrottle, type Diagram } from './model';

/** The text formats the renderers write; SVG is DOT laid out by Graphviz. */
export type TextFormat = 'mermaid' | 'dot';

/** A platform config as a diagram in `format` (no trailing newline). */
export function renderDiagram(config: PlatformConfig, format: TextFormat): string {
  const diagram = buildDiagram(config);
  return format === 'dot' ? renderDot(diagram) : renderMermaid(diagram);
}
