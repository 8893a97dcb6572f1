using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Resume;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Tests.Copy;

/// <summary>
/// Parts stream from the ranged GET into UploadPart: a part counts only when exactly the bytes the source was asked for
/// went by and the destination took them — checked by the destination against the part's checksum trailer, or by the
/// part's MD5 against the destination's ETag (without a trailer, or when asked for). A wrong ETag, or a source body that
/// comes up short or runs long, makes the part go again from a fresh read, counted as an integrity retry — and a short
/// or long body is never accepted.
/// </summary>
public sealed class StreamedPartTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private const int Parts = 3;
    private EngineHarness _engine = null!;
    private readonly List<IDisposable> _owned = [];

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task PartAnsweredWithAWrongETagIsSentAgainFromAFreshRead()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes((2 * 5 * MiB) + 12345);
        await _engine.PutSourceAsync(source, "k", data);
        var destinationAnswers = new AnswerRewriter(
            static request => request.Method == HttpMethod.Put && request.RequestUri!.Query.Contains("partNumber=2", StringComparison.Ordinal),
            static response => WithETag(response, "\"" + new string('0', 32) + "\""));
        var (copier, kinds) = Copier(sourceAnswers: null, destinationAnswers, md5WithTrailer: true);

        var result = await copier.CopyAsync(new CopyRequest(source, "k", destination, "k"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "k"));
        Assert.Equal([FailureKind.Integrity], kinds);
        Assert.Equal(Parts, result.PartsUploaded);
        Assert.Equal(Parts + 1, _engine.SourceServer.Counters.Journal(r => r.Operation == "GetObject" && r.Bucket == source).Count);
        var accepted = _engine.DestinationServer.Counters.Journal(r => r.Operation == "UploadPart" && r.Bucket == destination && r is { Status: 200, ErrorCode: null });
        Assert.Equal([1, 2, 2, 3], accepted.Select(static r => r.PartNumber!.Value).Order());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-MiB)]
    [InlineData(+1)]
    public async Task SourceBodyOfTheWrongLengthIsNeverAcceptedAndThePartIsReadAgain(int difference)
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes((2 * 5 * MiB) + 777);
        await _engine.PutSourceAsync(source, "k", data);
        var sourceAnswers = new AnswerRewriter(
            static request => request.Method == HttpMethod.Get && request.Headers.Contains("range"),
            response => WithBodyChangedBy(response, difference));
        var (copier, kinds) = Copier(sourceAnswers, destinationAnswers: null);

        var result = await copier.CopyAsync(new CopyRequest(source, "k", destination, "k"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "k"));
        Assert.Equal([FailureKind.Integrity], kinds);
        Assert.Equal(Parts + 1, _engine.SourceServer.Counters.Journal(r => r.Operation == "GetObject" && r.Bucket == source).Count);
        var accepted = _engine.DestinationServer.Counters.Journal(r => r.Operation == "UploadPart" && r.Bucket == destination && r is { Status: 200, ErrorCode: null });
        Assert.Equal(Enumerable.Range(1, Parts), accepted.Select(static r => r.PartNumber!.Value).Order());
    }

    [Fact]
    public async Task PartsThatKeepComingBackWrongFailTheObjectInsteadOfCompletingIt()
    {
        var (source, destination) = await _engine.BucketsAsync();
        await _engine.PutSourceAsync(source, "k", Bytes(11 * MiB));
        var destinationAnswers = new AnswerRewriter(
            static request => request.Method == HttpMethod.Put, static response => WithETag(response, "\"" + new string('f', 32) + "\""), everyTime: true);
        var (copier, kinds) = Copier(sourceAnswers: null, destinationAnswers, md5WithTrailer: true);

        var result = await copier.CopyAsync(new CopyRequest(source, "k", destination, "k"));

        Assert.Equal(CopyOutcome.Failed, result.Outcome);
        Assert.Contains("ETag does not match", result.Reason, StringComparison.Ordinal);
        Assert.All(kinds, static k => Assert.Equal(FailureKind.Integrity, k));
        Assert.DoesNotContain(_engine.DestinationServer.Counters.Journal(), static r => r.Operation == "CompleteMultipartUpload");
        await Assert.ThrowsAsync<AmazonS3Exception>(() => _engine.DestinationClient.GetObjectMetadataAsync(destination, "k"));
    }

    [Fact]
    public async Task StreamedPartsCarryTheSourcesChecksumInATrailer()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes((11 * MiB) + 3);
        await _engine.PutSourceAsync(source, "crc", data, static put => put.ChecksumAlgorithm = ChecksumAlgorithm.CRC32C);
        var (copier, kinds) = Copier(sourceAnswers: null, destinationAnswers: null);

        var result = await copier.CopyAsync(new CopyRequest(source, "crc", destination, "crc"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Empty(kinds);
        var sourceHead = await _engine.SourceClient.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = source, Key = "crc", ChecksumMode = ChecksumMode.ENABLED });
        var head = await _engine.DestinationClient.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = destination, Key = "crc", ChecksumMode = ChecksumMode.ENABLED });
        Assert.NotNull(sourceHead.ChecksumCRC32C);
        Assert.Equal(sourceHead.ChecksumCRC32C, head.ChecksumCRC32C);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "crc"));
    }

    [Fact]
    public async Task APartCorruptedOnItsWayToTheDestinationIsRefusedByItsTrailerAndSentAgain()
    {
        // With a checksum trailer the part's own MD5 is not taken: the destination checks the trailer against the bytes.
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes((2 * 5 * MiB) + 4321);
        await _engine.PutSourceAsync(source, "flip", data, static put => put.ChecksumAlgorithm = ChecksumAlgorithm.CRC32C);
        var flips = 0;
        var (copier, kinds) = Copier(sourceAnswers: null, destinationAnswers: null, destinationAround: inner => new RequestChanger(inner, request =>
        {
            if (request.Method == HttpMethod.Put && request.RequestUri!.Query.Contains("partNumber=2", StringComparison.Ordinal) &&
                Interlocked.Increment(ref flips) == 1)
            {
                request.Content = new CorruptedContent(request.Content!);
            }
        }));

        var result = await copier.CopyAsync(new CopyRequest(source, "flip", destination, "flip"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "flip"));
        Assert.Equal([FailureKind.Transient], kinds);
        var parts = _engine.DestinationServer.Counters.Journal(r => r.Operation == "UploadPart" && r.Bucket == destination);
        Assert.Equal("BadDigest", Assert.Single(parts, static r => r.ErrorCode is not null).ErrorCode);
        Assert.Equal([1, 2, 3], parts.Where(static r => r is { Status: 200, ErrorCode: null }).Select(static r => r.PartNumber!.Value).Order());
        Assert.Equal(Parts + 1, _engine.SourceServer.Counters.Journal(r => r.Operation == "GetObject" && r.Bucket == source).Count);
    }

    private (ObjectCopier Copier, List<FailureKind> Kinds) Copier(
        AnswerRewriter? sourceAnswers, AnswerRewriter? destinationAnswers, Func<HttpMessageHandler, HttpMessageHandler>? destinationAround = null,
        bool md5WithTrailer = false)
    {
        if (destinationAnswers is not null)
        {
            destinationAround = destinationAnswers.Around;
        }

        var source = sourceAnswers is null
            ? S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.SourceServer), maxConnections: 16)
            : S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.SourceServer), 16, sourceAnswers.Around);
        var destination = destinationAround is { } around
            ? S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.DestinationServer), 16, around)
            : S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.DestinationServer), maxConnections: 16);
        _owned.Add(source);
        _owned.Add(destination);
        var copier = new ObjectCopier(source, destination, EngineHarness.SmallParts(maxParts: 1) with { Md5WithChecksumTrailer = md5WithTrailer }, new MemoryUploadStateStore(),
            new MemoryBudgetThrottle(64L * MiB), NullLogger<ObjectCopier>.Instance);
        var kinds = new List<FailureKind>();
        copier.Retries.Retrying += (_, kind) =>
        {
            lock (kinds)
            {
                kinds.Add(kind);
            }
        };
        return (copier, kinds);
    }

    private static HttpResponseMessage WithETag(HttpResponseMessage response, string etag)
    {
        response.Headers.Remove("ETag");
        response.Headers.TryAddWithoutValidation("ETag", etag);
        return response;
    }

    /// <summary>The same answer with <paramref name="difference"/> bytes cut from the end of its body, or added to it.</summary>
    private static HttpResponseMessage WithBodyChangedBy(HttpResponseMessage response, int difference)
    {
        var original = response.Content;
        var body = original.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var changed = difference < 0 ? body[..Math.Max(0, body.Length + difference)] : [.. body, .. new byte[difference]];
        var content = new ByteArrayContent(changed);
        foreach (var (name, values) in original.Headers)
        {
            content.Headers.TryAddWithoutValidation(name, values);
        }

        response.Content = content;
        original.Dispose();
        return response;
    }

    private static byte[] Bytes(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    /// <summary>Changes the first successful data-plane answer to a request <c>picks</c> chooses (or every one); lets the rest through.</summary>
    private sealed class AnswerRewriter(Func<HttpRequestMessage, bool> picks, Func<HttpResponseMessage, HttpResponseMessage> change, bool everyTime = false)
    {
        private int _changed;

        public HttpMessageHandler Around(HttpMessageHandler inner) => new Handler(this, inner);

        private HttpResponseMessage Answer(HttpRequestMessage request, HttpResponseMessage response) =>
            response.StatusCode is HttpStatusCode.OK or HttpStatusCode.PartialContent && picks(request) &&
            (Interlocked.Increment(ref _changed) == 1 || everyTime)
                ? change(response)
                : response;

        private sealed class Handler(AnswerRewriter owner, HttpMessageHandler inner) : DelegatingHandler(inner)
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var response = await base.SendAsync(request, cancellationToken);
                return owner.Answer(request, response);
            }
        }
    }

    /// <summary>Lets a test change requests before they are sent.</summary>
    private sealed class RequestChanger(HttpMessageHandler inner, Action<HttpRequestMessage> change) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            change(request);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A request body with one byte of its data flipped (past any aws-chunked chunk header).</summary>
    private sealed class CorruptedContent : HttpContent
    {
        private readonly HttpContent _inner;

        public CorruptedContent(HttpContent inner)
        {
            _inner = inner;
            foreach (var (name, values) in inner.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            using var buffer = new MemoryStream();
            await _inner.CopyToAsync(buffer);
            var bytes = buffer.ToArray();
            bytes[4096] ^= 0xFF;
            await stream.WriteAsync(bytes);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
