using System.CommandLine;
using System.Globalization;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using S3Migrate.Abstractions;
using S3Migrate.Cli.Console;
using S3Migrate.Transfer.Diff;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Planning;
using S3Migrate.Transfer.Retry;
using Spectre.Console;

namespace S3Migrate.Cli.Commands;

/// <summary>Commands that need no silo: they use the engine directly (diff --dry-run, cleanup).</summary>
internal static class EngineCommands
{
    public static Command Diff()
    {
        var endpoints = new EndpointOptions();
        var migration = new MigrationOptionsGroup();
        var transfer = new TransferOptionsGroup();
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count (the default; diff never copies)" };
        var list = new Option<bool>("--list") { Description = "Also print every object that would be copied or deleted" };
        var price = new Option<double>("--price-per-gb")
        {
            Description = "Data transfer price per GB leaving the source, for the estimate (default 0.09 USD, internet egress from us-east-1)",
            DefaultValueFactory = _ => 0.09,
        };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = Help.Create("diff", "Compare SRC with DST and print what a copy would do, with an estimate of requests and cost", """
            Counts objects and bytes to copy, already identical and only at the destination. Nothing is written.

            Example:
              s3migrate diff s3://src/data/ s3://dst/data/ --from us-east-1 --to cn-north-1 --to-credentials profile:china --dry-run
            """);
        migration.AddTo(command);
        endpoints.AddTo(command);
        transfer.AddTo(command);
        command.Options.Add(dryRun);
        command.Options.Add(list);
        command.Options.Add(price);
        command.Options.Add(json);
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = endpoints.LoadSettings(result);
            var (sourceName, destinationName) = endpoints.Resolve(result, settings);
            var routes = migration.Routes(result);
            var options = migration.Options(result);
            var engine = transfer.Apply(result, settings.Transfer);
            using var source = S3Endpoint.Create(EndpointOptions.Options(settings, sourceName), 32);
            using var destination = S3Endpoint.Create(EndpointOptions.Options(settings, destinationName), 32);
            var retries = new RetryPolicy(new RetryOptions { MaxRetries = engine.MaxRetry }, TimeProvider.System, NullLogger.Instance);
            var sizing = engine.ToTransferOptions().Parts;
            var counters = new DiffCounters();
            var estimate = new RequestEstimate();
            foreach (var route in routes)
            {
                var differ = new BucketDiffer(new DiffOptions
                {
                    Mapping = new KeyMapping(route.SourcePrefix, route.DestinationPrefix),
                    Filter = new KeyFilter(options.Include, options.Exclude),
                    SourceBucket = route.SourceBucket,
                    CompareLastModified = options.CompareLastModified,
                    IncludeExtras = options.DeleteExtras,
                });
                var sourceObjects = new S3ObjectLister(source, retries, new ListingOptions { RequesterPays = options.RequesterPaysSource })
                    .ListAsync(route.SourceBucket, route.SourcePrefix, null, cancellationToken);
                var destinationObjects = new S3ObjectLister(destination, retries).ListAsync(route.DestinationBucket, route.DestinationPrefix, null, cancellationToken);
                try
                {
                    await foreach (var entry in differ.DiffAsync(sourceObjects, destinationObjects, counters, cancellationToken))
                    {
                        estimate.Add(entry, sizing);
                        if (result.GetValue(list) && entry.Kind is DiffKind.Missing or DiffKind.Changed or DiffKind.Extra)
                        {
                            System.Console.Out.WriteLine($"{entry.Kind.ToString().ToLowerInvariant(),-8} s3://{route.SourceBucket}/{entry.SourceKey} -> s3://{route.DestinationBucket}/{entry.DestinationKey}");
                        }
                    }
                }
                catch (PermanentTransferException e)
                {
                    throw new UsageException($"{route}: {e.Message}", e);
                }
            }

            var totals = counters.Snapshot();
            estimate.Listings = (totals.SourceObjects / 1000) + 1 + ((totals.Same + totals.Changed + totals.Extra) / 1000) + 1;
            Print(totals, estimate, result.GetValue(price), result.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Cleanup()
    {
        var endpoints = new EndpointOptions();
        var target = new Argument<string>("TARGET") { Description = "s3://bucket/prefix whose unfinished multipart uploads to list (and abort with --yes)" };
        var olderThan = new Option<double>("--older-than")
        {
            Description = "Only uploads started more than this many hours ago (default 24)",
            DefaultValueFactory = _ => 24,
        };
        var yes = new Option<bool>("--yes") { Description = "Abort them (without it, only list: a dry run)" };
        var command = Help.Create("cleanup", "List (and with --yes abort) unfinished multipart uploads older than --older-than hours", """
            Aborted uploads cannot be resumed: their parts are deleted (and stop costing storage).

            Example:
              s3migrate cleanup s3://dst-bucket/data/ --to cn-north-1 --to-credentials profile:china --older-than 48 --yes
            """);
        command.Arguments.Add(target);
        command.Options.Add(endpoints.Config);
        command.Options.Add(endpoints.To);
        command.Options.Add(endpoints.ToRegion);
        command.Options.Add(endpoints.ToCredentials);
        command.Options.Add(endpoints.ToCa);
        command.Options.Add(olderThan);
        command.Options.Add(yes);
        command.SetAction(async (result, cancellationToken) =>
        {
            var url = S3Url.Parse(result.GetValue(target)!, "TARGET");
            var hours = result.GetValue(olderThan);
            if (hours < 0)
            {
                throw new UsageException($"--older-than {hours.ToString(CultureInfo.InvariantCulture)} must not be negative");
            }

            var settings = endpoints.LoadSettings(result);
            var name = endpoints.ResolveDestination(result, settings);
            using var endpoint = S3Endpoint.Create(EndpointOptions.Options(settings, name), 16);
            var retries = new RetryPolicy(new RetryOptions(), TimeProvider.System, NullLogger.Instance);
            var cutoff = DateTime.UtcNow.AddHours(-hours);
            var abort = result.GetValue(yes);
            int found = 0, aborted = 0;
            string? keyMarker = null, uploadMarker = null;
            try
            {
                do
                {
                    var page = await retries.ExecuteAsync("ListMultipartUploads", endpoint, token => endpoint.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
                    {
                        BucketName = url.Bucket,
                        Prefix = url.Prefix,
                        KeyMarker = keyMarker,
                        UploadIdMarker = uploadMarker,
                    }, token), cancellationToken);
                    foreach (var upload in page.MultipartUploads ?? [])
                    {
                        if (upload.Initiated is { } initiated && initiated.ToUniversalTime() > cutoff)
                        {
                            continue;
                        }

                        found++;
                        System.Console.Out.WriteLine($"{(abort ? "aborting" : "would abort")} s3://{url.Bucket}/{upload.Key} (upload {upload.UploadId[..Math.Min(16, upload.UploadId.Length)]}…, started {upload.Initiated?.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)})");
                        if (abort)
                        {
                            using var keys = ObjectKeyScope.Enter((url.Bucket, upload.Key));
                            await retries.ExecuteAsync("AbortMultipartUpload", endpoint, token => endpoint.Client.AbortMultipartUploadAsync(
                                new AbortMultipartUploadRequest { BucketName = url.Bucket, Key = upload.Key, UploadId = upload.UploadId }, token), cancellationToken);
                            aborted++;
                        }
                    }

                    (keyMarker, uploadMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
                }
                while (keyMarker is not null);
            }
            catch (PermanentTransferException e)
            {
                throw new UsageException($"s3://{url.Bucket}/{url.Prefix}: {e.Message}", e);
            }

            System.Console.Out.WriteLine(abort
                ? $"aborted {aborted} unfinished uploads older than {hours.ToString(CultureInfo.InvariantCulture)} h"
                : $"{found} unfinished uploads older than {hours.ToString(CultureInfo.InvariantCulture)} h; run again with --yes to abort them");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(DiffTotals totals, RequestEstimate estimate, double pricePerGb, bool json)
    {
        // S3 Standard list prices (us-east-1): PUT, COPY, POST, LIST 0.005 USD and GET, HEAD 0.0004 USD per 1,000 requests.
        var requestCost = ((estimate.Writes + estimate.Listings) * 0.005 / 1000) + (estimate.Reads * 0.0004 / 1000);
        var transferCost = totals.BytesToCopy / 1e9 * pricePerGb;
        if (json)
        {
            System.Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                sourceObjects = totals.SourceObjects,
                sourceBytes = totals.SourceBytes,
                toCopy = totals.ToCopy,
                bytesToCopy = totals.BytesToCopy,
                missing = totals.Missing,
                changed = totals.Changed,
                same = totals.Same,
                extra = totals.Extra,
                filtered = totals.Filtered,
                readRequests = estimate.Reads,
                writeRequests = estimate.Writes,
                listRequests = estimate.Listings,
                estimatedCostUsd = Math.Round(requestCost + transferCost, 2),
            }));
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("diff (nothing was written)");
        table.AddColumn("");
        table.AddColumn(new TableColumn("objects").RightAligned());
        table.AddColumn(new TableColumn("bytes").RightAligned());
        table.AddRow("at the source (selected)", N(totals.SourceObjects), Sizes.Format(totals.SourceBytes));
        table.AddRow("to copy: missing", N(totals.Missing), Sizes.Format(totals.MissingBytes));
        table.AddRow("to copy: changed", N(totals.Changed), Sizes.Format(totals.ChangedBytes));
        table.AddRow("already identical", N(totals.Same), Sizes.Format(totals.SameBytes));
        table.AddRow("only at the destination", N(totals.Extra), Sizes.Format(totals.ExtraBytes));
        table.AddRow("left out by filters", N(totals.Filtered), "");
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"estimate: {estimate.Reads:N0} GET/HEAD, {estimate.Writes:N0} PUT/POST, {estimate.Listings:N0} LIST requests; about {requestCost + transferCost:0.00} USD ({requestCost:0.00} requests at S3 Standard list prices + {transferCost:0.00} transfer at {pricePerGb:0.###} USD/GB)"));
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The requests a copy would make, as the engine makes them.</summary>
    private sealed class RequestEstimate
    {
        public long Reads { get; private set; }

        public long Writes { get; private set; }

        public long Listings { get; set; }

        public void Add(DiffEntry entry, PartSizing sizing)
        {
            switch (entry.Kind)
            {
                case DiffKind.Missing or DiffKind.Changed when entry.Source is { } source:
                    if (source.Size <= sizing.SmallObjectThreshold)
                    {
                        Reads += 1;
                        Writes += 1;
                        break;
                    }

                    var plan = PartPlanner.Plan(source.Size, sizing);
                    Reads += plan.PartCount + 1;
                    Writes += plan.PartCount + 2;
                    Listings += (plan.PartCount / 1000) + 1;
                    break;
                case DiffKind.Extra:
                    Writes += 1;
                    break;
            }
        }
    }
}
