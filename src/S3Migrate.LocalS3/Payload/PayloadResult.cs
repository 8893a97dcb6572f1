namespace S3Migrate.LocalS3.Payload;

/// <summary>What decoding a body produced besides its bytes: the decoded length and any trailing headers.</summary>
public sealed record PayloadResult(long DecodedLength, IReadOnlyDictionary<string, string> Trailers);
