namespace S3Migrate.LocalS3.Faults;

/// <summary>The failures LocalS3 can inject, each one a way real S3 or a real network fails.</summary>
public enum FaultKind
{
    /// <summary>500 InternalError before the request is executed.</summary>
    InternalError,

    /// <summary>503 SlowDown before the request is executed.</summary>
    SlowDown,

    /// <summary>The connection is cut half-way through the request body; nothing is stored.</summary>
    ResetMidRequestBody,

    /// <summary>
    /// For GET: the connection is cut half-way through the object bytes. For every other operation the request is
    /// executed and the connection is then cut instead of answering — the client cannot know it succeeded.
    /// </summary>
    ResetMidResponse,

    /// <summary>The body is read, then rejected with 400 BadDigest, as if bytes were corrupted on the way.</summary>
    BadDigest,
}
