import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option } from 'commander';
import type { PlatformConfig } from '../../config/types';
import type { CommandModule } from '../cli';
import { renderDiagram } from '../diagram';
import { EXIT, OpsError } from '../errors';

/** The formats `diagram` writes. */
export const DIAGRAM_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

export const GRAPHVIZ_MISSING = 'Graphviz is not installed: install it (apt-get install graphviz) or use --format mermaid';

/** Lays DOT out as SVG with Graphviz's `dot`, found on PATH. */
export function dotToSvg(dot: string): string {
  const result = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') throw new OpsError(GRAPHVIZ_MISSING, EXIT.USAGE);
    throw new OpsError(`dot -Tsvg could not run: ${result.error.message}`, EXIT.USAGE);
  }
  if (result.status !== 0) {
    const reason = result.stderr.trim().split('\n')[0] || `exit code ${result.status ?? result.signal}`;
    throw new OpsError(`dot -Tsvg failed: ${reason}`, EXIT.USAGE);
  }
  return result.stdout;
}

/** The config's diagram in `format` (no trailing newline). */
export function diagramText(config: PlatformConfig, format: DiagramFormat): string {
  if (format === 'svg') return dotToSvg(`${renderDiagram(config, 'dot')}\n`).replace(/\n$/, '');
  return renderDiagram(config, format);
}

/**
 * `diagram`: a picture of the platform from its config alone (no AWS calls): routes with their
 * authorizers and API keys, the rate plans that meter them, the ingress, the services with their
 * versions' weights, and who calls whom.
 */
export const registerDiagram: CommandModule = (program, action) => {
  program
    .command('diagram')
    .description('Draw the platform from its config (no AWS calls): routes, auth, rate plans, ingress, services, version weights, calls')
    .addOption(new Option('--format <format>', 'mermaid (a flowchart), dot (Graphviz), or svg (dot laid out by Graphviz)').choices(DIAGRAM_FORMATS).default('mermaid'))
    .option('--out <file>', 'write the diagram to this file and print its path (default: stdout)')
    .action(
      action(async (ctx, options) => {
        const format = options.format as DiagramFormat;
        const text = diagramText(ctx.config, format);
        if (options.out === undefined) {
          ctx.out.result({ format, text }, () => text);
          return EXIT.OK;
        }
        const file = path.resolve(String(options.out));
        try {
          fs.writeFileSync(file, `${text}\n`);
        } catch (err) {
          throw new OpsError(`--out ${options.out}: cannot write the diagram: ${(err as Error).message}`, EXIT.USAGE);
        }
        ctx.out.result({ format, path: file }, () => file);
        return EXIT.OK;
      }),
    );
};

