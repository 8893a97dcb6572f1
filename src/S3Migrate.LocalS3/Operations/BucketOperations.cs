using System.Net;
using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Notifications;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>Bucket-level operations: create, head, delete, list, location, versioning, notifications, DeleteObjects.</summary>
public static class BucketOperations
{
    public const int MaxDeleteObjects = 1000;

    public static async Task ListBuckets(S3Context context)
    {
        var buckets = context.Store.Buckets.Where(b => context.Auth.Key.Buckets is null || context.Auth.Key.Buckets.Contains(b.Name)).ToList();
        await context.Output.WriteXmlAsync(S3Xml.Write("ListAllMyBucketsResult", w =>
        {
            w.Start("Owner");
            w.Element("ID", LocalS3Owner.Id);
            w.Element("DisplayName", LocalS3Owner.DisplayName);
            w.WriteEndElement();
            w.Start("Buckets");
            foreach (var bucket in buckets)
            {
                w.Start("Bucket");
                w.Element("Name", bucket.Name);
                w.Element("CreationDate", S3Xml.Timestamp(bucket.Created));
                w.Element("BucketRegion", bucket.Region);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }), context.Aborted);
    }

    public static async Task CreateBucket(S3Context context)
    {
        var name = context.BucketName!;
        ValidateBucketName(name);
        var region = context.Auth.Region;
        var body = await context.ReadDocumentAsync();
        if (body.Length > 0)
        {
            var constraint = S3Xml.Parse(body).ChildValue("LocationConstraint");
            if (!string.IsNullOrEmpty(constraint))
            {
                if (constraint != region && !(constraint == "EU" && region == "eu-west-1"))
                {
                    throw S3Errors.IllegalLocationConstraint(constraint, region);
                }

                region = constraint == "EU" ? "eu-west-1" : constraint;
            }
        }

        context.Store.CreateBucket(name, region, legacyUsEast1: region == "us-east-1");
        context.Response.Headers.Location = "/" + name;
    }

    public static Task HeadBucket(S3Context context)
    {
        var bucket = context.Bucket();
        context.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        return Task.CompletedTask;
    }

    public static Task DeleteBucket(S3Context context)
    {
        context.Store.DeleteBucket(context.BucketName!);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public static async Task GetBucketLocation(S3Context context)
    {
        var bucket = context.Bucket();
        await context.Output.WriteXmlAsync(S3Xml.Write("LocationConstraint", w =>
        {
            if (bucket.Region != "us-east-1")
            {
                w.WriteString(bucket.Region);
            }
        }), context.Aborted);
    }

    public static async Task PutBucketVersioning(S3Context context)
    {
        var bucket = context.Bucket();
        var status = S3Xml.Parse(await context.ReadDocumentAsync()).ChildValue("Status");
        var versioning = status switch
        {
            "Enabled" => VersioningStatus.Enabled,
            "Suspended" => VersioningStatus.Suspended,
            _ => throw S3Errors.MalformedXml(),
        };
        context.Store.UpdateBucket(bucket, b => b.Versioning = versioning);
    }

    public static async Task GetBucketVersioning(S3Context context)
    {
        var bucket = context.Bucket();
        await context.Output.WriteXmlAsync(S3Xml.Write("VersioningConfiguration", w =>
        {
            if (bucket.Versioning != VersioningStatus.Off)
            {
                w.Element("Status", bucket.Versioning.ToString());
            }
        }), context.Aborted);
    }

    public static async Task PutBucketRequestPayment(S3Context context)
    {
        var bucket = context.Bucket();
        var payer = S3Xml.Parse(await context.ReadDocumentAsync()).ChildValue("Payer");
        if (payer is not ("Requester" or "BucketOwner"))
        {
            throw S3Errors.MalformedXml();
        }

        context.Store.UpdateBucket(bucket, b => b.RequesterPays = payer == "Requester");
    }

    public static async Task GetBucketRequestPayment(S3Context context)
    {
        var bucket = context.Bucket();
        await context.Output.WriteXmlAsync(
            S3Xml.Write("RequestPaymentConfiguration", w => w.Element("Payer", bucket.RequesterPays ? "Requester" : "BucketOwner")),
            context.Aborted);
    }

    public static async Task PutBucketNotificationConfiguration(S3Context context)
    {
        var bucket = context.Bucket();
        var document = S3Xml.Parse(await context.ReadDocumentAsync());
        if (document.Children("TopicConfiguration").Any() || document.Children("CloudFunctionConfiguration").Any())
        {
            throw S3Errors.NotImplemented("notification destinations other than SQS queues");
        }

        var configurations = new List<QueueConfiguration>();
        foreach (var element in document.Children("QueueConfiguration"))
        {
            configurations.Add(ParseQueueConfiguration(element));
        }

        if (configurations.Count > 0 &&
            !string.Equals(context.Header("x-amz-skip-destination-validation"), "true", StringComparison.OrdinalIgnoreCase))
        {
            var failed = await context.Endpoint.Events.ValidateDestinationsAsync(bucket, configurations, context.Aborted);
            if (failed.Count > 0)
            {
                throw S3Errors.InvalidArgument("Unable to validate the following destination configurations", failed[0], "not found or not reachable");
            }
        }

        context.Store.UpdateBucket(bucket, b => b.Notifications = configurations);
    }

    public static async Task GetBucketNotificationConfiguration(S3Context context)
    {
        var bucket = context.Bucket();
        await context.Output.WriteXmlAsync(S3Xml.Write("NotificationConfiguration", w =>
        {
            foreach (var configuration in bucket.Notifications)
            {
                w.Start("QueueConfiguration");
                w.Element("Id", configuration.Id);
                w.Element("Queue", configuration.QueueArn);
                foreach (var eventName in configuration.Events)
                {
                    w.Element("Event", eventName);
                }

                if (configuration.Prefix is not null || configuration.Suffix is not null)
                {
                    w.Start("Filter");
                    w.Start("S3Key");
                    WriteFilterRule(w, "prefix", configuration.Prefix);
                    WriteFilterRule(w, "suffix", configuration.Suffix);
                    w.WriteEndElement();
                    w.WriteEndElement();
                }

                w.WriteEndElement();
            }
        }), context.Aborted);
    }

    public static async Task DeleteObjects(S3Context context)
    {
        var bucket = context.Bucket();
        if (context.Header("Content-MD5") is null && !context.Request.Headers.Keys.Any(static k => k.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)) &&
            context.Header("x-amz-trailer") is null)
        {
            throw S3Errors.InvalidRequest("Missing required header for this request: Content-MD5");
        }

        var document = S3Xml.Parse(await context.ReadDocumentAsync());
        var quiet = string.Equals(document.ChildValue("Quiet"), "true", StringComparison.OrdinalIgnoreCase);
        var objects = document.Children("Object").ToList();
        if (objects.Count is 0 or > MaxDeleteObjects)
        {
            throw S3Errors.MalformedXml();
        }

        var deleted = new List<(string Key, string? VersionId, DeleteOutcome Outcome)>();
        var errors = new List<(string Key, string? VersionId, string Code, string Message)>();
        foreach (var element in objects)
        {
            var key = element.ChildValue("Key") ?? throw S3Errors.MalformedXml();
            var versionId = element.ChildValue("VersionId");
            if (versionId is not null && versionId != ObjectVersion.NullVersionId && (versionId.Length != 32 || !versionId.All(char.IsAsciiHexDigitLower)))
            {
                errors.Add((key, versionId, "NoSuchVersion", "The specified version does not exist."));
                continue;
            }

            var outcome = context.Store.Delete(bucket, key, versionId);
            ObjectOperations.PublishDelete(context, bucket, key, outcome);
            deleted.Add((key, versionId, outcome));
        }

        await context.Output.WriteXmlAsync(S3Xml.Write("DeleteResult", w =>
        {
            if (!quiet)
            {
                foreach (var (key, versionId, outcome) in deleted)
                {
                    w.Start("Deleted");
                    w.Element("Key", key);
                    w.Element("VersionId", versionId);
                    if (outcome.DeleteMarker is { } marker)
                    {
                        w.Element("DeleteMarker", true);
                        w.Element("DeleteMarkerVersionId", marker.VersionId);
                    }
                    else if (outcome.Removed?.IsDeleteMarker == true)
                    {
                        w.Element("DeleteMarker", true);
                        w.Element("DeleteMarkerVersionId", outcome.Removed.VersionId);
                    }

                    w.WriteEndElement();
                }
            }

            foreach (var (key, versionId, code, message) in errors)
            {
                w.Start("Error");
                w.Element("Key", key);
                w.Element("VersionId", versionId);
                w.Element("Code", code);
                w.Element("Message", message);
                w.WriteEndElement();
            }
        }), context.Aborted);
    }

    /// <summary>Answers for bucket configurations LocalS3 does not model: S3's "none configured" responses.</summary>
    public static async Task GetBucketDefaultConfiguration(S3Context context, string subresource)
    {
        var bucket = context.Bucket();
        byte[] document = subresource switch
        {
            "acl" or "objectAcl" => S3Xml.Write("AccessControlPolicy", WriteOwnerAcl),
            "encryption" => S3Xml.Write("ServerSideEncryptionConfiguration", w =>
            {
                w.Start("Rule");
                w.Start("ApplyServerSideEncryptionByDefault");
                w.Element("SSEAlgorithm", "AES256");
                w.WriteEndElement();
                w.Element("BucketKeyEnabled", false);
                w.WriteEndElement();
            }),
            "logging" => S3Xml.Write("BucketLoggingStatus", static _ => { }),
            "accelerate" => S3Xml.Write("AccelerateConfiguration", static _ => { }),
            _ => throw NoConfiguration(subresource, bucket.Name),
        };
        await context.Output.WriteXmlAsync(document, context.Aborted);
    }

    public static void ValidateBucketName(string name)
    {
        var valid = name.Length is >= 3 and <= 63 &&
            name.All(static c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-') &&
            char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]) &&
            !name.Contains("..", StringComparison.Ordinal) &&
            !IPAddress.TryParse(name, out _) &&
            !name.StartsWith("xn--", StringComparison.Ordinal) &&
            !name.EndsWith("-s3alias", StringComparison.Ordinal);
        if (!valid)
        {
            throw S3Errors.InvalidBucketName(name);
        }
    }

    private static S3Exception NoConfiguration(string subresource, string bucket)
    {
        var (code, message) = subresource switch
        {
            "policy" => ("NoSuchBucketPolicy", "The bucket policy does not exist"),
            "lifecycle" => ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
            "cors" => ("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
            "tagging" => ("NoSuchTagSet", "The TagSet does not exist"),
            "website" => ("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"),
            "replication" => ("ReplicationConfigurationNotFoundError", "The replication configuration was not found"),
            "object-lock" => ("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"),
            "publicAccessBlock" => ("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"),
            "ownershipControls" => ("OwnershipControlsNotFoundError", "The bucket ownership controls were not found"),
            _ => ("NotImplemented", $"LocalS3 does not implement ?{subresource}"),
        };
        return new S3Exception(code == "NotImplemented" ? 501 : 404, code, message).With("BucketName", bucket);
    }

    private static void WriteOwnerAcl(System.Xml.XmlWriter w)
    {
        w.Start("Owner");
        w.Element("ID", LocalS3Owner.Id);
        w.Element("DisplayName", LocalS3Owner.DisplayName);
        w.WriteEndElement();
        w.Start("AccessControlList");
        w.Start("Grant");
        w.WriteStartElement("Grantee", S3Xml.Namespace);
        w.WriteAttributeString("xsi", "type", "http://www.w3.org/2001/XMLSchema-instance", "CanonicalUser");
        w.Element("ID", LocalS3Owner.Id);
        w.Element("DisplayName", LocalS3Owner.DisplayName);
        w.WriteEndElement();
        w.Element("Permission", "FULL_CONTROL");
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static QueueConfiguration ParseQueueConfiguration(System.Xml.Linq.XElement element)
    {
        var arn = element.ChildValue("Queue") ?? throw S3Errors.MalformedXml();
        var arnParts = arn.Split(':');
        if (arnParts.Length != 6 || arnParts[0] != "arn" || arnParts[2] != "sqs" || arnParts[5].Length == 0)
        {
            throw S3Errors.InvalidArgument("The ARN is not well formed", "Queue", arn);
        }

        var events = element.Children("Event").Select(static e => e.Value).ToList();
        if (events.Count == 0)
        {
            throw S3Errors.MalformedXml();
        }

        foreach (var eventName in events)
        {
            if (!QueueConfiguration.KnownEvents.Contains(eventName))
            {
                throw S3Errors.InvalidArgument("The event is not supported for notifications", "Event", eventName);
            }
        }

        string? prefix = null, suffix = null;
        foreach (var rule in element.Child("Filter")?.Child("S3Key")?.Children("FilterRule") ?? [])
        {
            var ruleName = rule.ChildValue("Name")?.ToLowerInvariant();
            var value = rule.ChildValue("Value") ?? string.Empty;
            switch (ruleName)
            {
                case "prefix" when prefix is null: prefix = value; break;
                case "suffix" when suffix is null: suffix = value; break;
                default: throw S3Errors.InvalidArgument("Cannot specify more than one prefix and one suffix rule in a filter.", "FilterRule Name", ruleName);
            }
        }

        var id = element.ChildValue("Id");
        return new QueueConfiguration(string.IsNullOrEmpty(id) ? Guid.NewGuid().ToString("N") : id, arn, events, prefix, suffix);
    }

    private static void WriteFilterRule(System.Xml.XmlWriter w, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        w.Start("FilterRule");
        w.Element("Name", name);
        w.Element("Value", value);
        w.WriteEndElement();
    }
}
