using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

// Usage: S3Migrate.DemoData URL BUCKET SMALL_COUNT LARGE_COUNT LARGE_MIB
// Keys and secrets come from DEMO_ACCESS_KEY_ID / DEMO_SECRET_ACCESS_KEY; objects are deterministic, so a rerun
// writes the same bytes.
if (args.Length != 5 || !Uri.TryCreate(args[0], UriKind.Absolute, out var url))
{
    Console.Error.WriteLine("usage: S3Migrate.DemoData URL BUCKET SMALL_COUNT LARGE_COUNT LARGE_MIB");
    return 1;
}

var bucket = args[1];
var small = int.Parse(args[2], CultureInfo.InvariantCulture);
var large = int.Parse(args[3], CultureInfo.InvariantCulture);
var largeBytes = long.Parse(args[4], CultureInfo.InvariantCulture) * 1024 * 1024;
var credentials = new BasicAWSCredentials(
    Environment.GetEnvironmentVariable("DEMO_ACCESS_KEY_ID") ?? throw new InvalidOperationException("DEMO_ACCESS_KEY_ID is not set"),
    Environment.GetEnvironmentVariable("DEMO_SECRET_ACCESS_KEY") ?? throw new InvalidOperationException("DEMO_SECRET_ACCESS_KEY is not set"));
using var client = new AmazonS3Client(credentials, new AmazonS3Config
{
    ServiceURL = url.ToString(),
    ForcePathStyle = true,
    AuthenticationRegion = Environment.GetEnvironmentVariable("DEMO_REGION") ?? "us-east-1",
    RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
});

string[] folders = ["photos/2024/", "photos/2025/", "logs/app/", "reports/", "data/ünïcødé/", "data/with space/"];
await Parallel.ForAsync(0, small, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
{
    var size = 512 + (int)((uint)(i * 2654435761u) % (60 * 1024));
    var key = $"{folders[i % folders.Length]}object-{i:D5}.bin";
    await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(Bytes(i, size)), ContentType = "application/octet-stream" }, token);
});

for (var i = 0; i < large; i++)
{
    var key = $"videos/large-{i:D2}.mp4";
    var partSize = 16L * 1024 * 1024;
    var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = "video/mp4" });
    var parts = new List<PartETag>();
    var partNumber = 1;
    for (long offset = 0; offset < largeBytes; offset += partSize, partNumber++)
    {
        var length = (int)Math.Min(partSize, largeBytes - offset);
        var response = await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = upload.UploadId,
            PartNumber = partNumber,
            InputStream = new MemoryStream(Bytes((i * 1000) + partNumber, length)),
        });
        parts.Add(new PartETag(partNumber, response.ETag));
    }

    await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = parts });
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo data: {small} small objects and {large} x {largeBytes >> 20} MiB multipart objects in s3://{bucket}"));
return 0;

static byte[] Bytes(int seed, int length)
{
    var data = new byte[length];
    new Random(seed).NextBytes(data);
    return data;
}
