using Xunit;

// The jsii runtime behind the CDK is one node process per test process and is not thread-safe.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
