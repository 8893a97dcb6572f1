namespace S3Migrate.LocalS3.Payload;

/// <summary>Receives the decoded bytes of a request body, in order.</summary>
public interface IPayloadSink
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}
