namespace S3Migrate.LocalS3.Protocol;

/// <summary>The S3 errors LocalS3 returns, with Amazon S3's codes, statuses and wording.</summary>
internal static class S3Errors
{
    public static S3Exception AccessDenied(string message = "Access Denied") => new(403, "AccessDenied", message);

    public static S3Exception InvalidAccessKeyId(string accessKeyId) =>
        new S3Exception(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
            .With("AWSAccessKeyId", accessKeyId);

    public static S3Exception SignatureDoesNotMatch(string? stringToSign = null, string? canonicalRequest = null) =>
        new S3Exception(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
            .With("StringToSign", stringToSign)
            .With("CanonicalRequest", canonicalRequest);

    public static S3Exception RequestTimeTooSkewed(string requestTime, string serverTime) =>
        new S3Exception(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
            .With("RequestTime", requestTime)
            .With("ServerTime", serverTime)
            .With("MaxAllowedSkewMilliseconds", "900000");

    public static S3Exception AuthorizationHeaderMalformed(string message, string? expectedRegion = null) =>
        new S3Exception(400, "AuthorizationHeaderMalformed", message).With("Region", expectedRegion);

    public static S3Exception AuthorizationQueryParametersError(string message) => new(400, "AuthorizationQueryParametersError", message);

    public static S3Exception ContentSha256Mismatch(string provided, string computed) =>
        new S3Exception(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
            .With("ClientComputedContentSHA256", provided)
            .With("S3ComputedContentSHA256", computed);

    public static S3Exception BadDigest(string message = "The Content-MD5 you specified did not match what we received.") =>
        new(400, "BadDigest", message);

    public static S3Exception InvalidDigest() => new(400, "InvalidDigest", "The Content-MD5 you specified is not valid.");

    public static S3Exception IncompleteBody(string message = "You did not provide the number of bytes specified by the Content-Length HTTP header.") =>
        new(400, "IncompleteBody", message);

    public static S3Exception InvalidRequest(string message) => new(400, "InvalidRequest", message);

    public static S3Exception InvalidArgument(string message, string? name = null, string? value = null) =>
        new S3Exception(400, "InvalidArgument", message).With("ArgumentName", name).With("ArgumentValue", value);

    public static S3Exception MalformedXml() =>
        new(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");

    public static S3Exception MissingContentLength() => new(411, "MissingContentLength", "You must provide the Content-Length HTTP header.");

    public static S3Exception EntityTooLarge(long maxSize) =>
        new S3Exception(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            .With("MaxSizeAllowed", maxSize.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static S3Exception EntityTooSmall(long minSize, long proposedSize) =>
        new S3Exception(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.")
            .With("MinSizeAllowed", minSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("ProposedSize", proposedSize.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static S3Exception KeyTooLong() => new(400, "KeyTooLongError", "Your key is too long");

    public static S3Exception MetadataTooLarge() =>
        new(400, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.");

    public static S3Exception InvalidBucketName(string bucket) =>
        new S3Exception(400, "InvalidBucketName", "The specified bucket is not valid.").With("BucketName", bucket);

    public static S3Exception InvalidUri() => new(400, "InvalidURI", "Couldn't parse the specified URI.");

    public static S3Exception InvalidStorageClass(string value) =>
        new S3Exception(400, "InvalidStorageClass", "The storage class you specified is not valid").With("StorageClassRequested", value);

    public static S3Exception InvalidTag(string message) => new(400, "InvalidTag", message);

    public static S3Exception NoSuchBucket(string bucket) =>
        new S3Exception(404, "NoSuchBucket", "The specified bucket does not exist").With("BucketName", bucket);

    public static S3Exception NoSuchKey(string key) =>
        new S3Exception(404, "NoSuchKey", "The specified key does not exist.").With("Key", key);

    public static S3Exception NoSuchVersion(string key, string versionId) =>
        new S3Exception(404, "NoSuchVersion", "The specified version does not exist.").With("Key", key).With("VersionId", versionId);

    public static S3Exception NoSuchUpload(string uploadId) =>
        new S3Exception(404, "NoSuchUpload",
                "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
            .With("UploadId", uploadId);

    public static S3Exception BucketNotEmpty(string bucket) =>
        new S3Exception(409, "BucketNotEmpty", "The bucket you tried to delete is not empty").With("BucketName", bucket);

    public static S3Exception BucketAlreadyOwnedByYou(string bucket) =>
        new S3Exception(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
            .With("BucketName", bucket);

    public static S3Exception IllegalLocationConstraint(string constraint, string region) =>
        new(400, "IllegalLocationConstraintException",
            $"The {constraint} location constraint is incompatible for the region specific endpoint this request was sent to ({region}).");

    public static S3Exception PreconditionFailed(string condition) =>
        new S3Exception(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold").With("Condition", condition);

    public static S3Exception InvalidRange(long size, string? requested) =>
        new S3Exception(416, "InvalidRange", "The requested range is not satisfiable")
            .With("RangeRequested", requested)
            .With("ActualObjectSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static S3Exception InvalidPartNumber() => new(416, "InvalidPartNumber", "The requested partnumber is not satisfiable");

    public static S3Exception InvalidPart(string message) => new(400, "InvalidPart", message);

    public static S3Exception InvalidPartOrder() =>
        new(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.");

    public static S3Exception InvalidObjectState(string storageClass) =>
        new S3Exception(403, "InvalidObjectState", "The operation is not valid for the object's storage class")
            .With("StorageClass", storageClass);

    public static S3Exception MethodNotAllowed(string method) =>
        new S3Exception(405, "MethodNotAllowed", "The specified method is not allowed against this resource.").With("Method", method);

    public static S3Exception NotImplemented(string what) =>
        new(501, "NotImplemented", $"A header or query you provided implies functionality that is not implemented: {what}");

    public static S3Exception InternalError() =>
        new(500, "InternalError", "We encountered an internal error. Please try again.");

    public static S3Exception SlowDown() => new(503, "SlowDown", "Please reduce your request rate.");
}
