// Each test class runs a cluster of silos with its own LocalS3 endpoints; two clusters at once on a small machine make
// the timing-dependent tests (kill a silo mid-transfer, cancel promptly) measure CPU contention instead.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
