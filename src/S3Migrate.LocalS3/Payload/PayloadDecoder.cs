using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Payload;

/// <summary>
/// Turns a request body into the object bytes, checking its integrity as the x-amz-content-sha256 header says:
/// a hashed payload, an unsigned one, or aws-chunked with signed or unsigned chunks and trailing checksums.
/// </summary>
public abstract class PayloadDecoder
{
    /// <summary>The size of the decoded payload, when the request declares it.</summary>
    public abstract long? DeclaredLength { get; }

    /// <summary>Trailing header names the client announced in x-amz-trailer (lower case).</summary>
    public virtual IReadOnlyCollection<string> AnnouncedTrailers => [];

    public abstract ValueTask<PayloadResult> CopyToAsync(IPayloadSink sink, CancellationToken cancellationToken);

    public static PayloadDecoder Create(HttpRequest request, AuthResult auth, RequestBodySource source)
    {
        var mode = auth.PayloadHash;
        if (mode.StartsWith("STREAMING-", StringComparison.Ordinal))
        {
            var signed = mode is SigV4.StreamingSigned or SigV4.StreamingSignedTrailer;
            if (!signed && mode != SigV4.StreamingUnsignedTrailer)
            {
                throw S3Errors.InvalidRequest($"The x-amz-content-sha256 value {mode} is not supported.");
            }

            var decodedLengthHeader = request.Headers["x-amz-decoded-content-length"].ToString();
            if (!long.TryParse(decodedLengthHeader, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var decodedLength))
            {
                throw S3Errors.MissingContentLength();
            }

            var trailers = request.Headers["x-amz-trailer"].ToString()
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(static t => t.ToLowerInvariant())
                .ToHashSet(StringComparer.Ordinal);
            var expectsTrailer = mode is SigV4.StreamingSignedTrailer or SigV4.StreamingUnsignedTrailer;
            if (expectsTrailer && trailers.Count == 0)
            {
                throw S3Errors.InvalidRequest("x-amz-trailer is required for a streaming payload with a trailer.");
            }

            return new AwsChunkedDecoder(source, signed ? auth : null, decodedLength, expectsTrailer ? trailers : new HashSet<string>());
        }

        if (mode == SigV4.UnsignedPayload)
        {
            return new RawPayloadDecoder(source, request.ContentLength, expectedSha256: null);
        }

        if (mode.Length != 64 || !mode.All(char.IsAsciiHexDigitLower))
        {
            throw S3Errors.InvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a valid sha256 value.", "x-amz-content-sha256", mode);
        }

        return new RawPayloadDecoder(source, request.ContentLength, expectedSha256: mode);
    }
}
