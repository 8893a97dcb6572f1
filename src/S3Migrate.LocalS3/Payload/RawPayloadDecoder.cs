using System.Security.Cryptography;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Payload;

/// <summary>A plain body, optionally checked against the SHA-256 the client signed.</summary>
public sealed class RawPayloadDecoder(RequestBodySource source, long? contentLength, string? expectedSha256) : PayloadDecoder
{
    public override long? DeclaredLength => contentLength;

    public override async ValueTask<PayloadResult> CopyToAsync(IPayloadSink sink, CancellationToken cancellationToken)
    {
        using var sha256 = expectedSha256 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        while (true)
        {
            var result = await source.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            foreach (var segment in buffer)
            {
                sha256?.AppendData(segment.Span);
                await sink.WriteAsync(segment, cancellationToken);
            }

            total += buffer.Length;
            source.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        if (contentLength is { } expected && total != expected)
        {
            throw S3Errors.IncompleteBody();
        }

        if (sha256 is not null)
        {
            var computed = Convert.ToHexStringLower(sha256.GetHashAndReset());
            if (computed != expectedSha256)
            {
                throw S3Errors.ContentSha256Mismatch(expectedSha256!, computed);
            }
        }

        return new PayloadResult(total, new Dictionary<string, string>());
    }
}
