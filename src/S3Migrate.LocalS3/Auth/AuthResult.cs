namespace S3Migrate.LocalS3.Auth;

/// <summary>Who signed a request and what is needed to check the rest of it (chunk and trailer signatures).</summary>
public sealed record AuthResult(
    AccessKey Key,
    string Region,
    string AmzDate,
    string Scope,
    byte[] SigningKey,
    string Signature,
    bool Presigned,
    string PayloadHash);
