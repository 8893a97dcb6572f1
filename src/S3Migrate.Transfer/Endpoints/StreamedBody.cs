using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using S3Migrate.Transfer.Checksums;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// An upload body read once, straight from another stream (a ranged GET's body), with the MD5 of exactly the bytes
/// sent computed on the way. When the upload needs an additional checksum that cannot be known before the bytes have
/// gone by, it is computed in the same pass and sent as an aws-chunked trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
/// The bytes pass through one pooled chunk buffer; nothing else is copied. A body that ends early or runs long is an
/// <see cref="IntegrityException"/>. It cannot be sent twice: a retry reads the source again.
/// </summary>
public sealed class StreamedBody
{
    /// <summary>Bytes read from the source and written to the connection at a time (also the aws-chunked chunk size).</summary>
    public const int ChunkSize = 256 * 1024;

    /// <summary>Room before the chunk's bytes for its aws-chunked header ("40000\r\n").</summary>
    private const int HeaderRoom = 16;

    /// <summary>Room after the chunk's bytes for the CRLF, the final chunk and the trailer.</summary>
    private const int TrailerRoom = 128;

    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    private readonly Stream _source;
    private readonly bool _hashesMd5;
    private ObjectChecksum? _checksum;
    private int _sent;

    /// <param name="source">The bytes to send; read from its current position, <paramref name="length"/> bytes exactly.</param>
    /// <param name="length">How many bytes the source must yield.</param>
    /// <param name="trailingChecksum">The additional checksum the destination needs for these bytes, or null.</param>
    /// <param name="md5">Compute the MD5 of the bytes (to compare with the destination's ETag); without it <see cref="Md5"/> stays null.</param>
    public StreamedBody(Stream source, long length, ChecksumAlgorithm? trailingChecksum, bool md5 = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (trailingChecksum is not null && DigestLength(trailingChecksum) == 0)
        {
            throw new ArgumentException($"no trailer for the {trailingChecksum.Value} checksum", nameof(trailingChecksum));
        }

        _source = source;
        Length = length;
        _hashesMd5 = md5;
        TrailingChecksum = trailingChecksum;
        TrailerName = trailingChecksum is null ? null : ChecksumFields.HeaderName(trailingChecksum);
    }

    /// <summary>The number of bytes of the body itself (before any aws-chunked framing).</summary>
    public long Length { get; }

    public ChecksumAlgorithm? TrailingChecksum { get; }

    /// <summary>The trailer's header name (x-amz-checksum-…), or null when the body is sent as it is.</summary>
    internal string? TrailerName { get; }

    /// <summary>Bytes of the source sent so far.</summary>
    public long BytesSent { get; private set; }

    /// <summary>The MD5 of the bytes sent, once all of them have been.</summary>
    public byte[]? Md5 { get; private set; }

    /// <summary>The trailing checksum as sent, once all the bytes have been.</summary>
    public ChecksumValue? Checksum { get; private set; }

    /// <summary>The Content-Length on the wire: the body, or the body in aws-chunked framing with its trailer.</summary>
    internal long WireLength
    {
        get
        {
            if (TrailerName is null)
            {
                return Length;
            }

            var full = Length / ChunkSize;
            var rest = Length % ChunkSize;
            var framed = (full * ChunkFraming(ChunkSize)) + Length + (rest > 0 ? ChunkFraming(rest) : 0);
            return framed + "0\r\n".Length + TrailerName.Length + 1 + ((DigestLength(TrailingChecksum!) + 2) / 3 * 4) + "\r\n\r\n".Length;
        }
    }

    /// <summary>Copies the source to <paramref name="destination"/>, hashing on the way; the framing too when there is a trailer.</summary>
    internal async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _sent, 1) != 0)
        {
            // The handler wants to send the request again, but the source has been read: the caller starts over.
            throw new IOException("a streamed body cannot be sent twice");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(HeaderRoom + ChunkSize + TrailerRoom);
        using var md5 = _hashesMd5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        _checksum = ObjectChecksum.TryCreate(TrailingChecksum);
        try
        {
            var framed = TrailerName is not null;
            while (BytesSent < Length)
            {
                var want = (int)Math.Min(ChunkSize, Length - BytesSent);
                var filled = await FillAsync(buffer.AsMemory(HeaderRoom, want), cancellationToken);
                if (filled < want)
                {
                    throw new IntegrityException($"the source ended after {BytesSent + filled} of {Length} bytes");
                }

                var data = buffer.AsSpan(HeaderRoom, want);
                md5?.AppendData(data);
                _checksum?.Append(data);
                BytesSent += want;
                var start = HeaderRoom;
                var end = HeaderRoom + want;
                if (framed)
                {
                    start -= WriteChunkHeader(buffer, want);
                    end += Append(buffer, end, Crlf);
                }

                if (BytesSent == Length)
                {
                    await EnsureEndedAsync(buffer, cancellationToken);
                    Md5 = md5?.GetHashAndReset();
                    if (framed)
                    {
                        end += WriteTrailer(buffer, end);
                    }
                }

                await destination.WriteAsync(buffer.AsMemory(start, end - start), cancellationToken);
            }

            if (Length == 0)
            {
                await EnsureEndedAsync(buffer, cancellationToken);
                Md5 = md5?.GetHashAndReset();
                if (framed)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, WriteTrailer(buffer, 0)), cancellationToken);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _checksum?.Dispose();
        }
    }

    /// <summary>Reads until <paramref name="target"/> is full or the source ends; the number of bytes read.</summary>
    private async ValueTask<int> FillAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < target.Length)
        {
            var read = await _source.ReadAsync(target[filled..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    /// <summary>The source must end where the length says; one more byte means it is not the range asked for.</summary>
    private async ValueTask EnsureEndedAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        if (await _source.ReadAsync(buffer.AsMemory(0, 1), cancellationToken) != 0)
        {
            throw new IntegrityException($"the source sent more than the {Length} bytes expected");
        }
    }

    /// <summary>Writes "hex-size\r\n" just before the chunk's bytes; its length.</summary>
    private static int WriteChunkHeader(byte[] buffer, int size)
    {
        var header = size.ToString("x", CultureInfo.InvariantCulture) + "\r\n";
        var length = Encoding.ASCII.GetBytes(header, buffer.AsSpan(HeaderRoom - header.Length));
        return length;
    }

    /// <summary>Writes the final chunk and the checksum trailer at <paramref name="at"/>; their length.</summary>
    private int WriteTrailer(byte[] buffer, int at)
    {
        Checksum = new ChecksumValue(TrailingChecksum!, _checksum!.ToBase64(), IsComposite: false);
        var trailer = string.Concat("0\r\n", TrailerName, ":", Checksum.Value, "\r\n\r\n");
        return Encoding.ASCII.GetBytes(trailer, buffer.AsSpan(at));
    }

    private static int Append(byte[] buffer, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.AsSpan(at));
        return bytes.Length;
    }

    private static long ChunkFraming(long size) => size.ToString("x", CultureInfo.InvariantCulture).Length + 4;

    /// <summary>The size of the algorithm's value in bytes; 0 for one the engine does not compute.</summary>
    private static int DigestLength(ChecksumAlgorithm algorithm) =>
        algorithm == ChecksumAlgorithm.CRC32 || algorithm == ChecksumAlgorithm.CRC32C ? 4
        : algorithm == ChecksumAlgorithm.CRC64NVME ? 8
        : algorithm == ChecksumAlgorithm.SHA1 ? 20
        : algorithm == ChecksumAlgorithm.SHA256 ? 32
        : 0;
}
