using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Planning;
using S3Migrate.Transfer.Resume;

// copy SOURCE_URL SOURCE_REGION SOURCE_KEY SOURCE_SECRET DEST_URL DEST_REGION DEST_KEY DEST_SECRET SRC_BUCKET KEY DST_BUCKET STATE_DIR PART_SIZE
// Copies one object with the engine, resuming from STATE_DIR; prints the outcome and exits 0 when verified.
if (args.Length != 14 || args[0] != "copy")
{
    Console.Error.WriteLine("usage: S3Migrate.TestHosts copy SOURCE_URL SOURCE_REGION SOURCE_KEY SOURCE_SECRET DEST_URL DEST_REGION DEST_KEY DEST_SECRET SRC_BUCKET KEY DST_BUCKET STATE_DIR PART_SIZE");
    return 2;
}

static S3EndpointOptions Endpoint(string name, string url, string region, string key, string secret) => new()
{
    Name = name,
    ServiceUrl = new Uri(url),
    Region = region,
    Credentials = new CredentialSourceOptions { Kind = CredentialSourceKind.Static, AccessKeyId = key, SecretAccessKey = secret },
};

var partSize = long.Parse(args[13], CultureInfo.InvariantCulture);
using var source = S3Endpoint.Create(Endpoint("source", args[1], args[2], args[3], args[4]), 8);
using var destination = S3Endpoint.Create(Endpoint("destination", args[5], args[6], args[7], args[8]), 8);
using var state = new FileUploadStateStore(args[12]);
var copier = new ObjectCopier(source, destination, new TransferOptions
{
    Parts = new PartSizing { PartSize = partSize, SmallObjectThreshold = partSize },
    MaxPartsPerObject = 2,
}, state, new MemoryBudgetThrottle(64L * 1024 * 1024), NullLogger<ObjectCopier>.Instance);

var result = await copier.CopyAsync(new CopyRequest(args[9], args[10], args[11], args[10]));
Console.WriteLine($"{result.Outcome} reused={result.PartsReused} uploaded={result.PartsUploaded} {result.Reason}");
return result.Succeeded ? 0 : 1;
