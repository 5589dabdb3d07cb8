// A scenario for child-process runs: platform shop's orders route at v1 90 / v2 10. UpdateRoute
// fails loudly, so a run that sends it cannot pass for a dry run.
import { AppMeshClient, DescribeRouteCommand, UpdateRouteCommand } from '@aws-sdk/client-app-mesh';
import { mockClient } from 'aws-sdk-client-mock';
import { ordersRoute } from './canary-fixtures';

const appMesh = mockClient(AppMeshClient);
appMesh.on(DescribeRouteCommand).resolves({ route: ordersRoute() });
appMesh.on(UpdateRouteCommand).rejects(new Error('the scenario forbids UpdateRoute'));
