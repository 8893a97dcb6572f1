using S3Migrate.LocalS3.Checksums;
using S3Migrate.LocalS3.Payload;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Operations;

/// <summary>
/// The additional checksum a PutObject or UploadPart carries, in a header or an aws-chunked trailer, with the
/// consistency checks S3 applies to x-amz-sdk-checksum-algorithm.
/// </summary>
public sealed record ChecksumRequest(ChecksumAlgorithm Algorithm, string? HeaderValue, string? TrailerName)
{
    /// <summary>Reads the checksum a request announces; null when it announces none.</summary>
    public static ChecksumRequest? FromRequest(S3Context context)
    {
        ChecksumRequest? found = null;
        foreach (var algorithm in ChecksumAlgorithms.All)
        {
            var value = context.Header(algorithm.HeaderName());
            if (value is null)
            {
                continue;
            }

            if (found is not null)
            {
                throw S3Errors.InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            found = new ChecksumRequest(algorithm, value, null);
        }

        var trailers = context.Request.Headers["x-amz-trailer"].ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var trailer in trailers)
        {
            if (!ChecksumAlgorithms.TryParseHeaderName(trailer, out var algorithm))
            {
                continue;
            }

            if (found is not null)
            {
                throw S3Errors.InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }

            found = new ChecksumRequest(algorithm, null, trailer.ToLowerInvariant());
        }

        var declared = context.Header("x-amz-sdk-checksum-algorithm") ?? context.Header("x-amz-checksum-algorithm");
        if (declared is not null)
        {
            if (!ChecksumAlgorithms.TryParse(declared, out var declaredAlgorithm))
            {
                throw S3Errors.InvalidRequest($"Checksum algorithm {declared} is not supported.");
            }

            if (found is null)
            {
                throw S3Errors.InvalidRequest(
                    "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.");
            }

            if (found.Algorithm != declaredAlgorithm)
            {
                throw S3Errors.InvalidRequest(
                    $"Value for x-amz-sdk-checksum-algorithm header is invalid: {declared} does not match the checksum sent ({found.Algorithm.Name()}).");
            }
        }

        if (found?.HeaderValue is { } headerValue && !found.Algorithm.IsWellFormed(headerValue))
        {
            throw S3Errors.InvalidRequest($"Value for {found.Algorithm.HeaderName()} header is invalid.");
        }

        return found;
    }

    /// <summary>Compares the computed value with the header or trailer value; 400 BadDigest on a mismatch.</summary>
    public void Verify(string computed, PayloadResult payload)
    {
        var expected = HeaderValue;
        if (TrailerName is not null && !payload.Trailers.TryGetValue(TrailerName, out expected))
        {
            throw S3Errors.InvalidRequest($"The trailing header {TrailerName} is missing.");
        }

        if (expected is null || !Algorithm.IsWellFormed(expected))
        {
            throw S3Errors.InvalidRequest($"Value for {Algorithm.HeaderName()} is invalid.");
        }

        if (expected != computed)
        {
            throw S3Errors.BadDigest($"The {Algorithm.Name()} you specified did not match the calculated checksum.");
        }
    }
}
