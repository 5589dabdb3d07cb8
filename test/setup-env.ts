// aws-cdk-lib runs CloudFormation Validate on every synth unless CDK_VALIDATION is 'false'; its
// engine takes seconds to start, and jest starts it afresh in every test file. Tests of a
// construct's shape do without it; the gated app (createPlatformApp) registers the plugin
// explicitly, so the tests of the gates still run it.
process.env.CDK_VALIDATION = 'false';
