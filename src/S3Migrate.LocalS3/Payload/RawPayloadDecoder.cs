using System.Security.Cryptography;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Payload;

/// <summary>A plain body, optionally checked against the SHA-256 the client signed.</summary>
public sealed class RawPayloadDecoder(RequestBodySource source, long? contentLength, string? expectedSha256) : PayloadDecoder
{
    /// <summary>Reads at least this large are hashed in parallel with the sink.</summary>
    private const long ParallelHashThreshold = 64 * 1024;

    public override long? DeclaredLength => contentLength;

    public override async ValueTask<PayloadResult> CopyToAsync(IPayloadSink sink, CancellationToken cancellationToken)
    {
        using var sha256 = expectedSha256 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        while (true)
        {
            var result = await source.ReadAsync(cancellationToken);
            var buffer = result.Buffer;

            // A large read is hashed on another core while the sink takes its MD5 and stores it: a signed 8 MiB body
            // then costs about one hash's time instead of two.
            var hashing = sha256 is not null && buffer.Length >= ParallelHashThreshold
                ? Task.Run(() => AppendAll(sha256, buffer), cancellationToken)
                : null;
            foreach (var segment in buffer)
            {
                if (hashing is null)
                {
                    sha256?.AppendData(segment.Span);
                }

                await sink.WriteAsync(segment, cancellationToken);
            }

            if (hashing is not null)
            {
                await hashing;
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

    private static void AppendAll(IncrementalHash hash, System.Buffers.ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            hash.AppendData(segment.Span);
        }
    }
}
