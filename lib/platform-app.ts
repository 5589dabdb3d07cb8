import { App, type AppProps, CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * The feature flag that makes CloudFormation Validate's errors fail synth (without it they are
 * downgraded to warnings). Set here as well as in cdk.json so that no app of this project can lose
 * the gate by editing cdk.json.
 */
export const VALIDATE_AGAINST_DEFAULT_RULES = '@aws-cdk/core:validateAgainstDefaultRules';

/**
 * An App whose synth is gated: cdk-nag's AwsSolutions checks and CloudFormation Validate run on
 * every synth, and a finding of error level that is not acknowledged fails it.
 *
 * CloudFormation Validate is registered explicitly rather than left to aws-cdk-lib's automatic
 * registration, which `CDK_VALIDATION=false` turns off: the gate holds whatever the environment says.
 */
export function createPlatformApp(props: AppProps = {}): App {
  const app = new App({ ...props, context: { ...props.context, [VALIDATE_AGAINST_DEFAULT_RULES]: true } });
  Validations.of(app).addPlugins(new CloudFormationValidatePlugin(), new AwsSolutionsChecks(app));
  return app;
}
