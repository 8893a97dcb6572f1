using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Payload;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Tests.Protocol;

/// <summary>The signature checks reproduce AWS's published SigV4 examples for S3, and reject any change to them.</summary>
public sealed class SigV4VectorTests
{
    private const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20130524T000000Z";
    private static readonly DateTimeOffset SignedAt = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AcceptsAwsExampleSignatureForRangedGet()
    {
        var verifier = Verifier(SignedAt.AddMinutes(1));
        var request = RangedGet("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

        var result = verifier.Verify(request, "/test.txt", QueryParameters.Parse([]));

        Assert.Equal(AccessKeyId, result.Key.AccessKeyId);
        Assert.Equal("us-east-1", result.Region);
    }

    [Fact]
    public void SignMatchesHmacWhenSigningKeysAlternateOnOneThread()
    {
        var first = SigV4.SigningKey(Secret, "20130524", "us-east-1", "s3");
        var second = SigV4.SigningKey(Secret, "20130524", "eu-west-1", "s3");
        var sameAsFirst = (byte[])first.Clone();

        foreach (var (key, text) in new[] { (first, "one"), (second, "two"), (first, "three"), (sameAsFirst, "four"), (first, "") })
        {
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)));
            Assert.Equal(expected, SigV4.Sign(key, text));
        }
    }

    [Fact]
    public void RejectsRangedGetWhoseSignedHeaderChanged()
    {
        var verifier = Verifier(SignedAt.AddMinutes(1));
        var request = RangedGet("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        request.Headers.Range = "bytes=0-10";

        var error = Assert.Throws<S3Exception>(() => verifier.Verify(request, "/test.txt", QueryParameters.Parse([])));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
        Assert.Equal(403, error.StatusCode);
    }

    [Fact]
    public void RejectsUnknownAccessKey()
    {
        var verifier = new SigV4Verifier(new FixedTimeProvider(SignedAt));
        verifier.SetKeys([new AccessKey("OTHERKEY", Secret)]);

        var error = Assert.Throws<S3Exception>(() =>
            verifier.Verify(RangedGet("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"), "/test.txt", QueryParameters.Parse([])));

        Assert.Equal("InvalidAccessKeyId", error.Code);
    }

    [Fact]
    public void RejectsRequestSignedTooLongAgo()
    {
        var verifier = Verifier(SignedAt.AddMinutes(16));

        var error = Assert.Throws<S3Exception>(() =>
            verifier.Verify(RangedGet("f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"), "/test.txt", QueryParameters.Parse([])));

        Assert.Equal("RequestTimeTooSkewed", error.Code);
    }

    [Fact]
    public void AcceptsAwsExamplePresignedUrlUntilItExpires()
    {
        const string query =
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
        var request = new DefaultHttpContext().Request;
        request.Method = "GET";
        request.Headers.Host = "examplebucket.s3.amazonaws.com";

        var result = Verifier(SignedAt.AddHours(23)).Verify(request, "/test.txt", QueryParameters.Parse(query));
        Assert.True(result.Presigned);

        var expired = Assert.Throws<S3Exception>(() => Verifier(SignedAt.AddSeconds(86401)).Verify(request, "/test.txt", QueryParameters.Parse(query)));
        Assert.Equal("AccessDenied", expired.Code);
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodesAwsExampleSignedChunkedUpload()
    {
        var (request, body) = ChunkedExample(tamper: false);
        var auth = Verifier(SignedAt).Verify(request, "/examplebucket/chunkObject.txt", QueryParameters.Parse([]));
        Assert.Equal("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", auth.Signature);

        var sink = new CollectingSink();
        var result = await PayloadDecoder.Create(request, auth, new RequestBodySource(PipeReader.Create(new MemoryStream(body)))).CopyToAsync(sink, default);

        Assert.Equal(66560, result.DecodedLength);
        Assert.Equal(Enumerable.Repeat((byte)'a', 66560), sink.Bytes.ToArray());
    }

    [Fact]
    public async Task RejectsChunkedUploadWhoseChunkWasAltered()
    {
        var (request, body) = ChunkedExample(tamper: true);
        var auth = Verifier(SignedAt).Verify(request, "/examplebucket/chunkObject.txt", QueryParameters.Parse([]));

        var error = await Assert.ThrowsAsync<S3Exception>(async () =>
            await PayloadDecoder.Create(request, auth, new RequestBodySource(PipeReader.Create(new MemoryStream(body)))).CopyToAsync(new CollectingSink(), default));

        Assert.Equal("SignatureDoesNotMatch", error.Code);
    }

    [Theory]
    [InlineData("/bucket/a b+c", "/bucket/a%20b%2Bc")]
    [InlineData("/bucket//leading/slash", "/bucket//leading/slash")]
    [InlineData("/bucket/ünï/%", "/bucket/%C3%BCn%C3%AF/%25")]
    [InlineData("/bucket/a!(b)*:~", "/bucket/a%21%28b%29%2A%3A~")]
    public void CanonicalUriEncodesEachByteOnceAndKeepsSlashes(string decodedPath, string expected) =>
        Assert.Equal(expected, SigV4.CanonicalUri(decodedPath));

    private static SigV4Verifier Verifier(DateTimeOffset now)
    {
        var verifier = new SigV4Verifier(new FixedTimeProvider(now));
        verifier.SetKeys([new AccessKey(AccessKeyId, Secret)]);
        return verifier;
    }

    private static HttpRequest RangedGet(string signature)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = "GET";
        request.Headers.Host = "examplebucket.s3.amazonaws.com";
        request.Headers.Range = "bytes=0-9";
        request.Headers["x-amz-content-sha256"] = SigV4.EmptyPayloadSha256;
        request.Headers["x-amz-date"] = AmzDate;
        request.Headers.Authorization =
            $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature={signature}";
        return request;
    }

    private static (HttpRequest Request, byte[] Body) ChunkedExample(bool tamper)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = "PUT";
        request.Headers.Host = "s3.amazonaws.com";
        request.Headers.ContentEncoding = "aws-chunked";
        request.Headers.ContentLength = 66824;
        request.Headers["x-amz-content-sha256"] = SigV4.StreamingSigned;
        request.Headers["x-amz-date"] = AmzDate;
        request.Headers["x-amz-decoded-content-length"] = "66560";
        request.Headers["x-amz-storage-class"] = "REDUCED_REDUNDANCY";
        request.Headers.Authorization =
            $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/20130524/us-east-1/s3/aws4_request, " +
            "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class, " +
            "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

        var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.ASCII.GetBytes(text));
        Write("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n");
        var first = Enumerable.Repeat((byte)'a', 65536).ToArray();
        if (tamper)
        {
            first[100] = (byte)'b';
        }

        body.Write(first);
        Write("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n");
        body.Write(Enumerable.Repeat((byte)'a', 1024).ToArray());
        Write("\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");
        Assert.Equal(66824, body.Length);
        return (request, body.ToArray());
    }

    private sealed class CollectingSink : IPayloadSink
    {
        public MemoryStream Bytes { get; } = new();

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            Bytes.Write(data.Span);
            return ValueTask.CompletedTask;
        }
    }
}
