using System.Buffers;
using System.IO.Pipelines;
using S3Migrate.LocalS3.Faults;

namespace S3Migrate.LocalS3.Payload;

/// <summary>
/// The raw request body as the decoders see it: counts the bytes consumed, paces them through bandwidth limiters and
/// cuts the connection part-way when a fault asks for it.
/// </summary>
public sealed class RequestBodySource(PipeReader reader)
{
    private ReadOnlySequence<byte> _lastBuffer;

    public IReadOnlyList<BandwidthLimiter> Limiters { get; init; } = [];

    /// <summary>When set, the connection is aborted once this many bytes have been consumed.</summary>
    public long? AbortAfterBytes { get; init; }

    public Action? Abort { get; init; }

    public long BytesConsumed { get; private set; }

    public async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        ReadResult result;
        try
        {
            result = await reader.ReadAsync(cancellationToken);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            throw new RequestAbortedException(e.Message);
        }
        catch (IOException e)
        {
            throw new RequestAbortedException(e.Message);
        }

        var buffer = result.Buffer;
        if (AbortAfterBytes is { } limit && BytesConsumed + buffer.Length >= limit)
        {
            if (BytesConsumed >= limit)
            {
                Abort?.Invoke();
                throw new RequestAbortedException("connection reset in the request body (fault injection)");
            }

            buffer = buffer.Slice(0, limit - BytesConsumed);
        }

        if (Limiters.Count > 0 && !buffer.IsEmpty)
        {
            var allowed = (int)Math.Min(buffer.Length, 64 * 1024);
            foreach (var limiter in Limiters)
            {
                allowed = await limiter.AcquireAsync(allowed, cancellationToken);
            }

            buffer = buffer.Slice(0, allowed);
        }

        _lastBuffer = buffer;
        return new ReadResult(buffer, result.IsCanceled, result.IsCompleted && buffer.End.Equals(result.Buffer.End));
    }

    public void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        BytesConsumed += _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
        reader.AdvanceTo(consumed, examined);
    }

    public void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);
}
