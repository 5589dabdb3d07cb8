import { Duration } from 'aws-cdk-lib';
import * as appmesh from 'aws-cdk-lib/aws-appmesh';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { MESH_SERVICE_DEFAULTS, type MeshCluster, meshSecurityGroup } from '../mesh-cluster';
import { ingressPathPriority, type ResolvedService, type ServiceModel } from '../service-model';
import { gatewayRoutePathMatch } from './ingress-gateway';
import type { MeshCertificates } from './mesh-certificates';
import { mutualTls } from './mutual-tls';
import { ProxyTask } from './proxy-task';
import { platformNames } from '../../platform-names';

/** Properties of an {@link AppMeshService}. */
export interface AppMeshServiceProps {
  /** The mesh. */
  readonly mesh: appmesh.IMesh;
  /** The resolved model of all services (for names of backends and callers). */
  readonly model: ServiceModel;
  /** The service to render. */
  readonly service: ResolvedService;
  /** The cluster and the namespace. */
  readonly cluster: MeshCluster;
  /** The mesh ingress, which gets a gateway route for each path the API sends to this service. */
  readonly gateway: appmesh.IVirtualGateway;
  /** The private subnets tasks run in. */
  readonly subnets: ec2.SubnetSelection;
  /** The mesh CA, which issues the versions' certificates. */
  readonly certificates: MeshCertificates;
}

/** One version as deployed. */
export interface AppMeshServiceVersion {
  /** The version's virtual node. */
  readonly virtualNode: appmesh.VirtualNode;
  /** The version's ECS service. */
  readonly ecsService: ecs.FargateService;
  /** The task definition (app and Envoy). */
  readonly taskDefinition: ecs.FargateTaskDefinition;
}

/** The proxy id of a service version: its virtual node's name. */
export const versionProxyId = platformNames.virtualNode;

/**
 * A service in App Mesh: a virtual service answering at `<service>.<namespace>` (a Cloud Map name
 * where all its versions' tasks register), a virtual router whose route splits traffic over the
 * versions by weight (with retries and a request timeout), the ingress's gateway routes to it, a
 * security group shared by its versions, and per version a virtual node (mTLS STRICT, outlier
 * detection, backends only the declared calls) run by a Fargate service with an Envoy sidecar.
 */
export class AppMeshService extends Construct {
  /** The virtual service. */
  public readonly virtualService: appmesh.VirtualService;
  /** The virtual router. */
  public readonly virtualRouter: appmesh.VirtualRouter;
  /** The weighted route. */
  public readonly route: appmesh.Route;
  /** The versions by name. */
  public readonly versions: ReadonlyMap<string, AppMeshServiceVersion>;
  /** The containers' logs, of all versions. */
  public readonly logGroup: logs.LogGroup;
  /** The Cloud Map name `<service>.<namespace>`. */
  public readonly discovery: servicediscovery.Service;
  /** The security group of all its versions' tasks. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The ingress's routes to the service, one per path the API sends to it. */
  public readonly gatewayRoutes: appmesh.GatewayRoute[];

  constructor(scope: Construct, id: string, props: AppMeshServiceProps) {
    super(scope, id);
    const { mesh, model, service, cluster, certificates } = props;
    const port = service.port;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: model.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.discovery = new servicediscovery.Service(this, 'Discovery', {
      namespace: cluster.namespace,
      name: service.name,
      description: `All versions of ${service.name}`,
      dnsRecordType: servicediscovery.DnsRecordType.A,
      dnsTtl: Duration.seconds(10),
      // ECS marks a stopping task unhealthy before it goes, so callers stop picking it.
      customHealthCheck: { failureThreshold: 1 },
    });
    this.securityGroup = meshSecurityGroup(this, 'SecurityGroup', cluster.cluster.vpc, `${model.platformName} service ${service.name}: from its declared callers only`);

    this.virtualRouter = new appmesh.VirtualRouter(this, 'Router', {
      mesh,
      virtualRouterName: platformNames.virtualRouter(service.name),
      listeners: [appmesh.VirtualRouterListener.http(port)],
    });
    this.virtualService = new appmesh.VirtualService(this, 'VirtualService', {
      virtualServiceName: service.dnsName,
      virtualServiceProvider: appmesh.VirtualServiceProvider.virtualRouter(this.virtualRouter),
    });

    // Callers are named by literal DNS names, so services that call each other create no
    // dependency cycle between their resources.
    const backends = service.calls.map((callee) => {
      const backend = model.services.find((s) => s.name === callee)!;
      return appmesh.Backend.virtualService(
        appmesh.VirtualService.fromVirtualServiceAttributes(this, `Calls-${callee}`, { mesh, virtualServiceName: backend.dnsName }),
        { tlsClientPolicy: mutualTls.clientPolicy([backend.dnsName]) },
      );
    });
    // Those allowed to call: the services that declare it, and the ingress.
    const allowedClients = [...service.calledBy.map((caller) => model.services.find((s) => s.name === caller)!.dnsName), model.ingress.dnsName];

    const versions = new Map<string, AppMeshServiceVersion>();
    for (const version of service.versions) {
      const proxyId = versionProxyId(service.name, version.name);
      const family = `${model.platformName}-${proxyId}`;
      const virtualNode = new appmesh.VirtualNode(this, `${version.name}Node`, {
        mesh,
        virtualNodeName: proxyId,
        serviceDiscovery: appmesh.ServiceDiscovery.cloudMap(this.discovery, { ECS_TASK_DEFINITION_FAMILY: family }),
        listeners: [
          appmesh.VirtualNodeListener.http({
            port,
            healthCheck: appmesh.HealthCheck.http({
              path: service.healthCheckPath,
              interval: Duration.seconds(10),
              timeout: Duration.seconds(2),
              healthyThreshold: 2,
              unhealthyThreshold: 3,
            }),
            outlierDetection: {
              maxServerErrors: service.circuitBreaker.maxServerErrors,
              interval: Duration.seconds(service.circuitBreaker.intervalSeconds),
              baseEjectionDuration: Duration.seconds(service.circuitBreaker.ejectSeconds),
              maxEjectionPercent: service.circuitBreaker.maxEjectionPercent,
            },
            timeout: { perRequest: Duration.millis(service.timeoutMs) },
            tls: mutualTls.listener(allowedClients),
          }),
        ],
        backends,
        accessLog: appmesh.AccessLog.fromFilePath('/dev/stdout'),
      });

      const proxy = new ProxyTask(this, `${version.name}Task`, {
        family,
        cpu: version.cpu,
        memoryMiB: version.memoryMiB,
        logGroup: this.logGroup,
        meshResourceArn: virtualNode.virtualNodeArn,
        certificate: certificates.issue(this, {
          id: proxyId,
          // The common name is the short proxy id (X.509 allows 64 characters); peers check the DNS names.
          commonName: proxyId,
          dnsNames: [service.dnsName, `${version.name}.${service.dnsName}`],
        }),
        interceptPorts: [port],
      });
      const app = proxy.taskDefinition.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry(version.image),
        essential: true,
        portMappings: [{ containerPort: port }],
        environment: version.environment,
        logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'app' }),
      });
      app.addContainerDependencies({ container: proxy.envoy, condition: ecs.ContainerDependencyCondition.HEALTHY });

      const ecsService = new ecs.FargateService(this, `${version.name}Service`, {
        cluster: cluster.cluster,
        taskDefinition: proxy.taskDefinition,
        desiredCount: version.desiredCount,
        ...MESH_SERVICE_DEFAULTS,
        vpcSubnets: props.subnets,
        securityGroups: [this.securityGroup],
      });
      ecsService.associateCloudMapService({ service: this.discovery });
      if (version.autoscaling) {
        ecsService
          .autoScaleTaskCount({ minCapacity: version.autoscaling.minCapacity, maxCapacity: version.autoscaling.maxCapacity })
          .scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: version.autoscaling.targetCpuPercent });
      }
      versions.set(version.name, { virtualNode, ecsService, taskDefinition: proxy.taskDefinition });
    }
    this.versions = versions;

    // Not virtualRouter.addRoute, which names the route after its construct id.
    this.route = new appmesh.Route(this, 'Route', {
      mesh,
      virtualRouter: this.virtualRouter,
      routeName: platformNames.route(service.name),
      routeSpec: appmesh.RouteSpec.http({
        weightedTargets: service.versions.map((version) => ({
          virtualNode: versions.get(version.name)!.virtualNode,
          weight: version.weight,
        })),
        match: { path: appmesh.HttpRoutePathMatch.startsWith('/') },
        retryPolicy:
          service.retries.attempts > 0
            ? {
                retryAttempts: service.retries.attempts,
                retryTimeout: Duration.millis(service.retries.perTryTimeoutMs),
                httpRetryEvents: [appmesh.HttpRetryEvent.SERVER_ERROR, appmesh.HttpRetryEvent.GATEWAY_ERROR],
                tcpRetryEvents: [appmesh.TcpRetryEvent.CONNECTION_ERROR],
              }
            : undefined,
        timeout: { perRequest: Duration.millis(service.timeoutMs) },
      }),
    });
  
    // Named and ordered by the service's own paths, so that other services' routes never rename them.
    this.gatewayRoutes = service.ingressPaths.map(
      (match, index) =>
        new appmesh.GatewayRoute(this, `GatewayRoute${index}`, {
          virtualGateway: props.gateway,
          gatewayRouteName: `${service.name}-${index}`,
          routeSpec: appmesh.GatewayRouteSpec.http({
            routeTarget: this.virtualService,
            match: { path: gatewayRoutePathMatch(match) },
            priority: ingressPathPriority(match),
          }),
        }),
    );
  }
}
