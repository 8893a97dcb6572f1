using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Endpoints;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Grains.Preflight;

/// <summary>
/// Checks, before anything runs, that every route can work: both endpoints answer and accept their credentials, each
/// bucket exists in the endpoint's region, the source can be listed and the destination written. One clear line per
/// problem, naming the endpoint, bucket or setting.
/// </summary>
public sealed class EndpointPreflight(EndpointRegistry endpoints)
{
    /// <summary>How long each check may take before the endpoint counts as unreachable.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(20);

    public async Task<IReadOnlyList<string>> CheckAsync(MigrationSpec spec, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var name in new[] { spec.SourceEndpoint, spec.DestinationEndpoint }.Distinct(StringComparer.Ordinal))
        {
            if (!endpoints.Knows(name))
            {
                problems.Add($"endpoint '{name}' is not configured on this silo (known: {string.Join(", ", endpoints.Names)})");
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var source = endpoints.Get(spec.SourceEndpoint);
        var destination = endpoints.Get(spec.DestinationEndpoint);
        foreach (var bucket in spec.Routes.Select(static r => r.SourceBucket).Distinct(StringComparer.Ordinal))
        {
            if (await CheckBucketAsync(source, bucket, "source", cancellationToken) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            foreach (var route in spec.Routes.Where(r => r.SourceBucket == bucket))
            {
                if (await CheckReadAsync(source, route, spec.Options.RequesterPaysSource, cancellationToken) is { } readProblem)
                {
                    problems.Add(readProblem);
                }
            }
        }

        foreach (var bucket in spec.Routes.Select(static r => r.DestinationBucket).Distinct(StringComparer.Ordinal))
        {
            if (await CheckBucketAsync(destination, bucket, "destination", cancellationToken) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            var route = spec.Routes.First(r => r.DestinationBucket == bucket);
            if (await CheckWriteAsync(destination, route, cancellationToken) is { } writeProblem)
            {
                problems.Add(writeProblem);
            }
        }

        return problems;
    }

    private static async Task<string?> CheckBucketAsync(S3Endpoint endpoint, string bucket, string side, CancellationToken cancellationToken)
    {
        var (location, problem) = await AskAsync(endpoint, $"{side} bucket '{bucket}'",
            token => endpoint.Client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, token), cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var region = string.IsNullOrEmpty(location!.Location?.Value) ? "us-east-1" : location.Location.Value == "EU" ? "eu-west-1" : location.Location.Value;
        return region != endpoint.Options.SigningRegion
            ? $"{side} bucket '{bucket}' is in region {region}, but endpoint '{endpoint.Name}' is configured for {endpoint.Options.SigningRegion}"
            : null;
    }

    private static async Task<string?> CheckReadAsync(S3Endpoint endpoint, MigrationRoute route, bool requesterPays, CancellationToken cancellationToken)
    {
        var (_, problem) = await AskAsync(endpoint, $"listing s3://{route.SourceBucket}/{route.SourcePrefix}",
            token => endpoint.Client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = route.SourceBucket,
                Prefix = route.SourcePrefix,
                MaxKeys = 1,
                RequestPayer = requesterPays ? RequestPayer.Requester : null,
            }, token), cancellationToken);
        return problem;
    }

    /// <summary>Write permission, proved without leaving an object: start a multipart upload and abort it.</summary>
    private static async Task<string?> CheckWriteAsync(S3Endpoint endpoint, MigrationRoute route, CancellationToken cancellationToken)
    {
        var key = route.DestinationPrefix + ".s3migrate-preflight-" + Guid.NewGuid().ToString("N");
        var (upload, problem) = await AskAsync(endpoint, $"writing to s3://{route.DestinationBucket}/{route.DestinationPrefix}",
            token => endpoint.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = route.DestinationBucket, Key = key }, token),
            cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        await AskAsync(endpoint, "abort", token => endpoint.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
        {
            BucketName = route.DestinationBucket,
            Key = key,
            UploadId = upload!.UploadId,
        }, token), cancellationToken);
        return null;
    }

    private static async Task<(T? Response, string? Problem)> AskAsync<T>(
        S3Endpoint endpoint, string what, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            return (await request(timeout.Token), null);
        }
        catch (AmazonS3Exception e)
        {
            var where = $"endpoint '{endpoint.Name}'";
            return (null, e.ErrorCode switch
            {
                "NoSuchBucket" => $"{what}: the bucket does not exist on {where}",
                "AccessDenied" => $"{what}: access denied on {where}",
                "InvalidAccessKeyId" => $"{where} does not know the access key it was given (InvalidAccessKeyId)",
                "SignatureDoesNotMatch" => $"{where} rejected the secret key it was given (SignatureDoesNotMatch)",
                "AuthorizationHeaderMalformed" => $"{what}: {e.Message} ({where})",
                _ when (int)e.StatusCode == 404 => $"{what}: not found on {where}",
                _ when (int)e.StatusCode == 403 => $"{what}: access denied on {where}",
                _ => $"{what}: {e.ErrorCode ?? ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}: {e.Message} ({where})",
            });
        }
        catch (CredentialSourceException e)
        {
            // Credential sources name the endpoint in their messages; say it once.
            var where = $"endpoint '{endpoint.Name}'";
            return (null, e.Message.StartsWith(where, StringComparison.Ordinal) ? e.Message : $"{where}: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or AmazonClientException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var url = endpoint.Options.ServiceUrl?.ToString() ?? endpoint.Options.SigningRegion;
            return (null, $"endpoint '{endpoint.Name}' ({url}) is unreachable: {Unwrap(e).Message}");
        }
    }

    private static Exception Unwrap(Exception e) => e is OperationCanceledException ? new TimeoutException($"no answer within {CheckTimeout.TotalSeconds:F0} s") : e.InnerException ?? e;
}
