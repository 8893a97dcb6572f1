using System.Text;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.Transfer.Signing;
using S3Migrate.Transfer.Tests.Listing;

namespace S3Migrate.Transfer.Tests.Signing;

/// <summary>The signer reproduces AWS's published SigV4 examples for S3 and encodes keys as S3 re-encodes them.</summary>
public sealed class SigV4SignerTests
{
    private const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20130524T000000Z";
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void SignsTheRangedGetExampleExactlyAsAws()
    {
        var signer = new SigV4Signer("us-east-1");
        List<KeyValuePair<string, string>> headers =
        [
            new("host", "examplebucket.s3.amazonaws.com"),
            new("range", "bytes=0-9"),
            new("x-amz-content-sha256", EmptySha256),
            new("x-amz-date", AmzDate),
        ];

        var authorization = signer.Authorize(AccessKeyId, Secret, AmzDate, "GET", "/test.txt", "", headers, EmptySha256);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            authorization);
    }

    [Fact]
    public void SignsThePutExampleWithContentAndStorageClassHeadersExactlyAsAws()
    {
        var signer = new SigV4Signer("us-east-1");
        List<KeyValuePair<string, string>> headers =
        [
            new("content-encoding", "aws-chunked"),
            new("content-length", "66824"),
            new("host", "s3.amazonaws.com"),
            new("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            new("x-amz-date", AmzDate),
            new("x-amz-decoded-content-length", "66560"),
            new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ];

        var authorization = signer.Authorize(
            AccessKeyId, Secret, AmzDate, "PUT", "/examplebucket/chunkObject.txt", "", headers, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");

        Assert.EndsWith("Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void DerivedKeyFollowsTheSecretAndTheDay()
    {
        var signer = new SigV4Signer("us-east-1");
        var canonical = SigV4Signer.CanonicalRequest("GET", "/k", "", [new("host", "h"), new("x-amz-date", AmzDate)], SigV4Signer.UnsignedPayload);

        var first = signer.Signature(Secret, AmzDate, canonical);
        var rotated = signer.Signature(Secret + "2", AmzDate, canonical);
        var nextDay = signer.Signature(Secret, "20130525T000000Z", canonical);

        Assert.Equal(first, new SigV4Signer("us-east-1").Signature(Secret, AmzDate, canonical));
        Assert.NotEqual(first, rotated);
        Assert.NotEqual(first, nextDay);
        Assert.Equal(first, signer.Signature(Secret, AmzDate, canonical));
    }

    [Fact]
    public void HeaderValuesAreTrimmedAndInnerSpacesCollapsed()
    {
        var canonical = SigV4Signer.CanonicalRequest("PUT", "/b/k", "", [new("content-disposition", "  attachment;   filename=\"a  b\"  ")], "UNSIGNED-PAYLOAD");

        Assert.Contains("\ncontent-disposition:attachment; filename=\"a b\"\n", canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysAreEncodedAsS3ReEncodesThemForEveryTrickyKey()
    {
        foreach (var key in TrickyKeys.Keys.Concat(["a/../b", "./x", "~/.._", "\uD800lone", "x\uDC00"]))
        {
            var ours = new StringBuilder();
            S3UriEncoding.Append(ours, key, keepSlash: true);
            Assert.Equal(S3Encoding.UriEncode(key, keepSlash: true), ours.ToString());
            Assert.Equal(S3Encoding.UriEncode(key, keepSlash: false), S3UriEncoding.Encode(key));
        }
    }
}
