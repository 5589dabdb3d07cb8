import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { CognitoConfig } from '../config/types';

/** Properties of a {@link CognitoAuth}. */
export interface CognitoAuthProps extends CognitoConfig {
  /** The platform's name: it names the pool, and the default resource server identifier. */
  readonly platformName: string;
}

/**
 * Cognito as the OAuth 2.0 authorization server of the API: a user pool (created or imported), a
 * resource server declaring the API's scopes, an app client for the client-credentials flow, the
 * hosted domain that issues tokens, and the API Gateway authorizer that checks them.
 */
export class CognitoAuth extends Construct {
  /** The user pool. */
  public readonly userPool: cognito.IUserPool;
  /** The resource server whose identifier prefixes every scope. */
  public readonly resourceServer: cognito.UserPoolResourceServer;
  /** The app client for partners and machine clients (client-credentials flow). */
  public readonly machineClient: cognito.UserPoolClient;
  /**
   * The hosted domain, where clients get tokens (`/oauth2/token`).
   * @default - none when the pool is imported without `domainPrefix`
   */
  public readonly domain?: cognito.UserPoolDomain;
  /** The API Gateway authorizer for routes with Cognito auth. */
  public readonly authorizer: apigw.CognitoUserPoolsAuthorizer;
  /** The scope names the resource server declares, without the identifier prefix. */
  public readonly resourceServerScopeNames: string[];

  private readonly resourceServerId: string;

  constructor(scope: Construct, id: string, props: CognitoAuthProps) {
    super(scope, id);

    this.userPool = props.userPoolId
      ? cognito.UserPool.fromUserPoolId(this, 'UserPool', props.userPoolId)
      : new cognito.UserPool(this, 'UserPool', {
          userPoolName: `${props.platformName}-api`,
          // Accounts are made by administrators; partners use client credentials, not sign-up.
          selfSignUpEnabled: false,
          signInAliases: { email: true },
          accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
          mfa: cognito.Mfa.REQUIRED,
          mfaSecondFactor: { otp: true, sms: false },
          passwordPolicy: {
            minLength: 14,
            requireLowercase: true,
            requireUppercase: true,
            requireDigits: true,
            requireSymbols: true,
          },
          featurePlan: cognito.FeaturePlan.PLUS,
          standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
          deletionProtection: true,
          removalPolicy: RemovalPolicy.RETAIN,
        });

    this.resourceServerScopeNames = [...props.scopes];
    this.resourceServerId = props.resourceServerId ?? `https://${props.platformName}.api`;
    const scopes = props.scopes.map(
      (scopeName) => new cognito.ResourceServerScope({ scopeName, scopeDescription: `${scopeName} on the ${props.platformName} API` }),
    );
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: this.resourceServerId,
      userPoolResourceServerName: `${props.platformName}-api`,
      scopes,
    });

    this.machineClient = this.userPool.addClient('MachineClient', {
      userPoolClientName: `${props.platformName}-machine`,
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { clientCredentials: true },
        scopes: scopes.map((scope) => cognito.OAuthScope.resourceServer(this.resourceServer, scope)),
      },
      accessTokenValidity: Duration.minutes(props.accessTokenValidityMinutes ?? 60),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    if (props.domainPrefix) {
      this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    }

    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      authorizerName: `${props.platformName}-cognito`,
      cognitoUserPools: [this.userPool],
    });
  }

  /** The full OAuth scope a token carries for a scope name: `<identifier>/<name>`. */
  public oauthScope(scopeName: string): string {
    return `${this.resourceServerId}/${scopeName}`;
  }
}
