import { UpdateRouteCommand, type WeightedTarget } from '@aws-sdk/client-app-mesh';
import { platformNames } from '../../platform-names';
import { describeRoute, liveTargets, routeLocation, withWeightedTargets } from '../aws/app-mesh';
import type { CommandModule } from '../cli';
import type { OpsContext } from '../context';
import { EXIT, OpsError } from '../errors';
import { table } from '../output';

/** The integer rule of a version's weight, as `validatePlatformConfig` applies it at synth. */
const WEIGHT = /^\d{1,3}$/;

/**
 * Parses `--weights v1=80,v2=20` for a service whose config declares `versions`, by the synth rules:
 * every name a declared version, once; each weight an integer from 0 to 100; together they sum to
 * exactly 100 and cover every declared version (a version to drain is given `=0`: a flag that
 * omitted a version would leave its live weight to guess). Throws one usage error that lists every
 * problem.
 */
export function parseWeights(text: string, service: string, versions: string[]): Map<string, number> {
  const errors: string[] = [];
  const weights = new Map<string, number>();
  // Whether every entry reads <version>=<weight>: otherwise which versions are missing is unknown.
  let named = true;
  // Whether moreover every weight is valid and given once: only then can they be summed.
  let wellFormed = true;
  text.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      errors.push(entry === '' ? `entry ${index + 1} is empty` : `"${entry}" is not <version>=<weight>`);
      named = false;
      wellFormed = false;
      return;
    }
    const name = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1).trim();
    const weight = WEIGHT.test(value) ? Number(value) : NaN;
    if (!(weight >= 0 && weight <= 100)) {
      errors.push(`${name}: weight must be an integer from 0 to 100, got "${value}"`);
      wellFormed = false;
    }
    if (!versions.includes(name)) {
      errors.push(`${name}: not a version of ${service} (its versions: ${versions.join(', ')})`);
    }
    if (weights.has(name)) {
      errors.push(`${name}: given twice`);
      wellFormed = false;
    } else {
      weights.set(name, weight);
    }
  });

  const missing = versions.filter((version) => !weights.has(version));
  if (named && missing.length > 0) {
    errors.push(
      `weights must cover every version of ${service}: missing ${missing.join(', ')} ` +
        `(give ${missing.map((v) => `${v}=0`).join(',')} to send ${missing.length === 1 ? 'it' : 'them'} no traffic)`,
    );
  }
  // Only valid weights can be summed: the others are reported above (as synth does).
  if (wellFormed) {
    const sum = [...weights.values()].reduce((total, weight) => total + weight, 0);
    if (sum !== 100) {
      errors.push(`weights must sum to 100, got ${sum} (${[...weights].map(([v, w]) => `${v}: ${w}`).join(', ')})`);
    }
  }
  if (errors.length > 0) throw new OpsError(`--weights ${text}: ${errors.join('; ')}`, EXIT.USAGE);
  return weights;
}

/** One version's row: its weight live and the one asked for. */
interface TargetRow {
  readonly version: string;
  readonly virtualNode: string;
  readonly current: number;
  readonly new: number;
}

const weightsText = (entries: [string, number][]) => entries.map(([version, weight]) => `${version}=${weight}`).join(', ');

/**
 * The warning that the config must follow, else the next deploy puts the config's weights back.
 */
function propsWarning(ctx: OpsContext, service: string, configured: Map<string, number>, wanted: Map<string, number>): string {
  const file = `bin/environments/${ctx.envName}.ts`;
  const changed = [...wanted].filter(([version, weight]) => configured.get(version) !== weight);
  if (changed.length === 0) {
    return `note: these are the weights of mesh.services.${service}.versions in ${file}: the next deploy keeps ${weightsText([...configured])}`;
  }
  const sets = changed.map(([version, weight]) => `mesh.services.${service}.versions.${version}.weight = ${weight}`).join(', ');
  return `warning: props must follow: set ${sets} in ${file}, or the next deploy puts back ${weightsText([...configured])}`;
}

export const registerCanary: CommandModule = (program, action) => {
  program
    .command('canary')
    .description("Show and shift a service's traffic between its versions (the weights of its App Mesh route)")
    .argument('<service>', 'a service of mesh.services in the environment config')
    .requiredOption('--weights <list>', 'the new weights of every version, e.g. v1=80,v2=20: integers 0-100 summing to 100')
    .option('--dry-run', 'show the current and the new weights, change nothing', false)
    .addHelpText(
      'after',
      [
        '',
        'Reads the route <service>-route of the virtual router <service>-router in the platform\'s mesh,',
        'and replaces only its weighted targets (match, retries, timeout and ports stay as they are).',
        'The weights follow the synth rules: every version the config declares, once, 0-100, sum 100;',
        'drain a version with <version>=0.',
        '',
        'The change is made outside CloudFormation: set the same weights in the environment config, or',
        'the next deploy puts the old ones back.',
        '',
        'App Mesh reached end of support on 2026-09-30 (see README): this works on meshes that exist.',
        'A platform on Service Connect has no weights to move: its rollouts are ECS deployments.',
        '',
        'Exit codes: 0 shown or changed; 1 drift (the live route targets virtual nodes the config does',
        'not declare, or lacks one it does); 2 wrong usage or weights, unknown service, no route, no access.',
      ].join('\n'),
    )
    .action(
      action(async (ctx, options, args) => {
        const service = args[0]!;
        if (ctx.config.mesh.provider === 'service-connect') {
          throw new OpsError(
            `${ctx.envName} runs on Service Connect, which holds no weights: set the new version's weight in its config and deploy (an ECS canary or linear deployment moves the traffic)`,
            EXIT.USAGE,
          );
        }
        const services = ctx.config.mesh.services;
        const serviceConfig = Object.hasOwn(services, service) ? services[service] : undefined;
        if (!serviceConfig) {
          throw new OpsError(`unknown service "${service}": the services of ${ctx.envName} are ${Object.keys(services).join(', ')}`, EXIT.USAGE);
        }
        const versions = Object.keys(serviceConfig.versions);
        const wanted = parseWeights(String(options.weights), service, versions);
        const configured = new Map(versions.map((version) => [version, serviceConfig.versions[version]!.weight]));

        const at = routeLocation(ctx.config.name, service);
        const route = await describeRoute(ctx.clients.appMesh, at);
        const live = liveTargets(route, at);

        // Every live target must be a version the config declares, and every declared version live.
        const versionOf = new Map(versions.map((version) => [platformNames.virtualNode(service, version), version]));
        const unknown = live.filter((target) => !versionOf.has(target.virtualNode ?? ''));
        const liveNodes = new Set(live.map((target) => target.virtualNode));
        const absent = versions.filter((version) => !liveNodes.has(platformNames.virtualNode(service, version)));
        if (unknown.length > 0 || absent.length > 0) {
          const problems = [
            ...(unknown.length > 0 ? [`it targets virtual nodes the config does not declare for ${service}: ${unknown.map((t) => t.virtualNode).join(', ')}`] : []),
            ...(absent.length > 0 ? [`it has no target for ${absent.map((v) => `${v} (${platformNames.virtualNode(service, v)})`).join(', ')}`] : []),
          ];
          throw new OpsError(
            `drift: the live route ${at.routeName} (${live.map((t) => `${t.virtualNode}=${t.weight}`).join(', ')}) does not match ` +
              `bin/environments/${ctx.envName}.ts: ${problems.join('; ')}. Deploy the config (or fix it) before moving weights`,
            EXIT.FAILED_CHECK,
          );
        }

        const rows: TargetRow[] = live.map((target) => {
          const version = versionOf.get(target.virtualNode!)!;
          return { version, virtualNode: target.virtualNode!, current: target.weight ?? 0, new: wanted.get(version)! };
        });
        const planTable = table(
          ['version', 'virtual node', 'current', 'new'],
          rows.map((row) => [row.version, row.virtualNode, row.current, row.new]),
        );
        const changed = rows.some((row) => row.current !== row.new);
        const base = { service, ...at, dryRun: options.dryRun === true, changed, targets: rows };
        const warning = propsWarning(ctx, service, configured, wanted);

        if (options.dryRun || !changed) {
          ctx.out.result({ ...base, applied: null }, () => planTable);
          if (!changed) ctx.out.note(`note: the live route already has these weights: nothing to update`);
          ctx.out.note(warning);
          return EXIT.OK;
        }

        if (!ctx.out.json) ctx.out.line(planTable);
        // The live targets in their order, ports kept: only the weights change.
        const targets: WeightedTarget[] = live.map((target) => ({ ...target, weight: wanted.get(versionOf.get(target.virtualNode!)!)! }));
        const updated = await ctx.clients.appMesh.send(new UpdateRouteCommand({ ...at, spec: withWeightedTargets(route.spec!, targets) }));

        const result = (updated.route?.spec?.httpRoute?.action?.weightedTargets ?? []).map((target) => ({
          version: versionOf.get(target.virtualNode ?? '') ?? '?',
          virtualNode: target.virtualNode ?? '?',
          weight: target.weight ?? 0,
        }));
        const status = updated.route?.status?.status ?? 'unknown';
        ctx.out.result({ ...base, applied: result, status }, () =>
          [
            '',
            `updated ${at.routeName} in mesh ${at.meshName} (status ${status}):`,
            table(['version', 'virtual node', 'weight'], result.map((row) => [row.version, row.virtualNode, row.weight])),
          ].join('\n'),
        );
        ctx.out.note(warning);
        return EXIT.OK;
      }),
    );
};
