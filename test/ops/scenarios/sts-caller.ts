// A scenario for child-process runs: the caller is account 111122223333.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';

mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
