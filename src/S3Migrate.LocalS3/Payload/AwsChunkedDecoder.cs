using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Payload;

/// <summary>
/// Decodes an aws-chunked body: <c>hex-size[;chunk-signature=sig]\r\n data \r\n … 0[;chunk-signature=sig]\r\n trailers \r\n</c>.
/// With <paramref name="signing"/> every chunk signature is checked in its chain, and the trailer signature too.
/// </summary>
public sealed class AwsChunkedDecoder(
    RequestBodySource source,
    AuthResult? signing,
    long decodedLength,
    IReadOnlySet<string> announcedTrailers) : PayloadDecoder
{
    private const int MaxLineLength = 4096;
    private const string TrailerSignatureName = "x-amz-trailer-signature";

    private enum State
    {
        ChunkHeader,
        ChunkData,
        ChunkEnd,
        Trailers,
        Done,
    }

    public override long? DeclaredLength => decodedLength;

    public override IReadOnlyCollection<string> AnnouncedTrailers => announcedTrailers;

    public override async ValueTask<PayloadResult> CopyToAsync(IPayloadSink sink, CancellationToken cancellationToken)
    {
        using var chunkHash = signing is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var previousSignature = signing?.Signature ?? string.Empty;
        var trailers = new Dictionary<string, string>(StringComparer.Ordinal);
        string? trailerSignature = null;
        string? chunkSignature = null;
        var state = State.ChunkHeader;
        long total = 0;
        long remaining = 0;

        while (state != State.Done)
        {
            var result = await source.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var needMore = false;
            while (!needMore && state != State.Done)
            {
                switch (state)
                {
                    case State.ChunkHeader:
                    {
                        if (!TryReadLine(ref buffer, out var line))
                        {
                            needMore = true;
                            break;
                        }

                        var (size, signature) = ParseChunkHeader(line);
                        if (signing is not null && signature is null)
                        {
                            throw S3Errors.SignatureDoesNotMatch();
                        }

                        chunkSignature = signature;
                        if (size == 0)
                        {
                            previousSignature = VerifyChunk(chunkHash, previousSignature, chunkSignature);
                            state = State.Trailers;
                        }
                        else
                        {
                            if (total + size > decodedLength)
                            {
                                throw S3Errors.IncompleteBody("The aws-chunked body is longer than x-amz-decoded-content-length.");
                            }

                            remaining = size;
                            state = State.ChunkData;
                        }

                        break;
                    }

                    case State.ChunkData:
                    {
                        if (buffer.IsEmpty)
                        {
                            needMore = true;
                            break;
                        }

                        var take = buffer.Slice(0, Math.Min(remaining, buffer.Length));
                        foreach (var segment in take)
                        {
                            chunkHash?.AppendData(segment.Span);
                            await sink.WriteAsync(segment, cancellationToken);
                        }

                        total += take.Length;
                        remaining -= take.Length;
                        buffer = buffer.Slice(take.End);
                        if (remaining == 0)
                        {
                            state = State.ChunkEnd;
                        }

                        break;
                    }

                    case State.ChunkEnd:
                    {
                        if (buffer.Length < 2)
                        {
                            needMore = true;
                            break;
                        }

                        Span<byte> crlf = stackalloc byte[2];
                        buffer.Slice(0, 2).CopyTo(crlf);
                        if (crlf[0] != (byte)'\r' || crlf[1] != (byte)'\n')
                        {
                            throw S3Errors.IncompleteBody("An aws-chunked chunk is not followed by CRLF.");
                        }

                        buffer = buffer.Slice(2);
                        previousSignature = VerifyChunk(chunkHash, previousSignature, chunkSignature);
                        state = State.ChunkHeader;
                        break;
                    }

                    case State.Trailers:
                    {
                        if (!TryReadLine(ref buffer, out var line))
                        {
                            needMore = true;
                            break;
                        }

                        if (line.Length == 0)
                        {
                            state = State.Done;
                            break;
                        }

                        var colon = line.IndexOf(':', StringComparison.Ordinal);
                        if (colon <= 0)
                        {
                            throw S3Errors.InvalidRequest("A trailing header of the aws-chunked body is malformed.");
                        }

                        var name = line[..colon].Trim().ToLowerInvariant();
                        var value = line[(colon + 1)..].Trim();
                        if (name == TrailerSignatureName)
                        {
                            trailerSignature = value;
                        }
                        else if (!announcedTrailers.Contains(name))
                        {
                            throw S3Errors.InvalidRequest($"The trailing header {name} was not announced in x-amz-trailer.");
                        }
                        else
                        {
                            trailers[name] = value;
                        }

                        break;
                    }
                }
            }

            source.AdvanceTo(buffer.Start, buffer.End);
            if (state != State.Done && result.IsCompleted)
            {
                // Some clients end the body right after the final chunk when no trailer follows.
                if (state == State.Trailers && announcedTrailers.Count == 0)
                {
                    break;
                }

                throw S3Errors.IncompleteBody();
            }
        }

        if (total != decodedLength)
        {
            throw S3Errors.IncompleteBody("The decoded body is shorter than x-amz-decoded-content-length.");
        }

        foreach (var announced in announcedTrailers)
        {
            if (!trailers.ContainsKey(announced))
            {
                throw S3Errors.InvalidRequest($"The announced trailing header {announced} is missing.");
            }
        }

        if (signing is not null && announcedTrailers.Count > 0)
        {
            VerifyTrailer(trailers, previousSignature, trailerSignature);
        }

        return new PayloadResult(total, trailers);
    }

    private string VerifyChunk(IncrementalHash? chunkHash, string previousSignature, string? chunkSignature)
    {
        if (signing is null || chunkHash is null)
        {
            return previousSignature;
        }

        var hash = Convert.ToHexStringLower(chunkHash.GetHashAndReset());
        var expected = SigV4.Sign(signing.SigningKey, SigV4.ChunkStringToSign(signing.AmzDate, signing.Scope, previousSignature, hash));
        if (chunkSignature is null || !SigV4.SignaturesEqual(expected, chunkSignature))
        {
            throw S3Errors.SignatureDoesNotMatch();
        }

        return chunkSignature;
    }

    private void VerifyTrailer(Dictionary<string, string> trailers, string previousSignature, string? trailerSignature)
    {
        if (trailerSignature is null)
        {
            throw S3Errors.SignatureDoesNotMatch();
        }

        var canonical = new StringBuilder();
        foreach (var (name, value) in trailers.OrderBy(static t => t.Key, StringComparer.Ordinal))
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        var expected = SigV4.Sign(signing!.SigningKey,
            SigV4.TrailerStringToSign(signing.AmzDate, signing.Scope, previousSignature, SigV4.Sha256Hex(canonical.ToString())));
        if (!SigV4.SignaturesEqual(expected, trailerSignature))
        {
            throw S3Errors.SignatureDoesNotMatch();
        }
    }

    private static (long Size, string? Signature) ParseChunkHeader(string line)
    {
        var semicolon = line.IndexOf(';', StringComparison.Ordinal);
        var sizeText = semicolon < 0 ? line : line[..semicolon];
        if (sizeText.Length is 0 or > 16 ||
            !long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            throw S3Errors.IncompleteBody("An aws-chunked chunk header is malformed.");
        }

        string? signature = null;
        if (semicolon >= 0)
        {
            foreach (var extension in line[(semicolon + 1)..].Split(';', StringSplitOptions.TrimEntries))
            {
                if (extension.StartsWith("chunk-signature=", StringComparison.Ordinal))
                {
                    signature = extension["chunk-signature=".Length..];
                }
            }
        }

        return (size, signature);
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            if (buffer.Length > MaxLineLength)
            {
                throw S3Errors.IncompleteBody("An aws-chunked header line is too long.");
            }

            line = string.Empty;
            return false;
        }

        var lineBytes = buffer.Slice(0, newline.Value);
        if (lineBytes.Length > MaxLineLength)
        {
            throw S3Errors.IncompleteBody("An aws-chunked header line is too long.");
        }

        line = Encoding.Latin1.GetString(lineBytes).TrimEnd('\r');
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }
}
