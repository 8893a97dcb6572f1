// Each test runs real processes (an Orleans silo inside the console) against endpoints with bandwidth caps; run on two
// shared cores, they must not compete with each other for the timing the interrupt tests rely on.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
