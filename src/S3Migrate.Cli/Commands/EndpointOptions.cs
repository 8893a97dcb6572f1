using System.CommandLine;
using Microsoft.Extensions.Configuration;
using S3Migrate.Cli.Console;
using S3Migrate.Silo.Configuration;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Cli.Commands;

/// <summary>
/// Where the source and destination are and how to sign in: a name from s3migrate.json, an AWS region, or a service
/// URL; credentials from the default chain, the environment, a profile, an SSM parameter, or keys in environment
/// variables (never on the command line).
/// </summary>
internal sealed class EndpointOptions
{
    public const string SourceName = "source";
    public const string DestinationName = "destination";

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Settings file (default: ./s3migrate.json, then ~/.s3migrate/s3migrate.json): endpoints, transfer limits",
    };

    public Option<string?> From { get; } = new("--from")
    {
        Description = "Source endpoint: a name from the settings file, a region (cn-north-1) or a URL (https://s3.example.com)",
    };

    public Option<string?> To { get; } = new("--to")
    {
        Description = "Destination endpoint: a name from the settings file, a region or a URL",
    };

    public Option<string?> FromRegion { get; } = new("--from-region") { Description = "Signing region for a source URL (default us-east-1)" };

    public Option<string?> ToRegion { get; } = new("--to-region") { Description = "Signing region for a destination URL (default us-east-1)" };

    public Option<string?> FromCredentials { get; } = new("--from-credentials")
    {
        Description = "Source credentials: default | env | profile:NAME | ssm:PARAMETER | keys (S3MIGRATE_FROM_ACCESS_KEY_ID, S3MIGRATE_FROM_SECRET_ACCESS_KEY)",
    };

    public Option<string?> ToCredentials { get; } = new("--to-credentials")
    {
        Description = "Destination credentials: default | env | profile:NAME | ssm:PARAMETER | keys (S3MIGRATE_TO_ACCESS_KEY_ID, S3MIGRATE_TO_SECRET_ACCESS_KEY)",
    };

    public Option<string?> FromCa { get; } = new("--from-ca") { Description = "PEM file of an extra certificate authority to trust for the source" };

    public Option<string?> ToCa { get; } = new("--to-ca") { Description = "PEM file of an extra certificate authority to trust for the destination" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Config, From, To, FromRegion, ToRegion, FromCredentials, ToCredentials, FromCa, ToCa })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The settings file's contents (section-less: its root is what the silo reads under "S3Migrate").</summary>
    public S3MigrateSettings LoadSettings(ParseResult result)
    {
        var path = result.GetValue(Config);
        if (path is not null && !File.Exists(path))
        {
            throw new UsageException($"--config: settings file '{path}' does not exist");
        }

        path ??= new[] { "s3migrate.json", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".s3migrate", "s3migrate.json") }
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            return new S3MigrateSettings();
        }

        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false).Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            throw new UsageException($"settings file '{path}' is not valid JSON: {(e.InnerException ?? e).Message.ReplaceLineEndings(" ")}", e);
        }

        var settings = new S3MigrateSettings();
        try
        {
            configuration.Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"settings file '{path}': {e.Message.ReplaceLineEndings(" ")}", e);
        }

        return settings;
    }

    /// <summary>Resolves --from and --to into endpoint names, adding endpoints to <paramref name="settings"/> as needed.</summary>
    public (string Source, string Destination) Resolve(ParseResult result, S3MigrateSettings settings) =>
        (ResolveSource(result, settings), ResolveDestination(result, settings));

    public string ResolveSource(ParseResult result, S3MigrateSettings settings) => Checked(settings,
        Resolve(settings, "--from", result.GetValue(From), result.GetValue(FromRegion), result.GetValue(FromCredentials), result.GetValue(FromCa), SourceName, "S3MIGRATE_FROM_"));

    public string ResolveDestination(ParseResult result, S3MigrateSettings settings) => Checked(settings,
        Resolve(settings, "--to", result.GetValue(To), result.GetValue(ToRegion), result.GetValue(ToCredentials), result.GetValue(ToCa), DestinationName, "S3MIGRATE_TO_"));

    /// <summary>The endpoint's options, ready for the engine.</summary>
    public static S3EndpointOptions Options(S3MigrateSettings settings, string name) => settings.EndpointOptions().First(e => e.Name == name);

    private static string Checked(S3MigrateSettings settings, string name) =>
        Options(settings, name).Validate() is { } problem ? throw new UsageException(problem) : name;

    private static string Resolve(
        S3MigrateSettings settings, string option, string? value, string? region, string? credentials, string? ca, string name, string environmentPrefix)
    {
        if (value is not null && settings.Endpoints.ContainsKey(value) && region is null && credentials is null && ca is null)
        {
            return value;
        }

        var endpoint = value is not null && settings.Endpoints.TryGetValue(value, out var named) ? named : new EndpointSettings();
        if (value is not null && !settings.Endpoints.ContainsKey(value))
        {
            if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                endpoint.ServiceUrl = Uri.TryCreate(value, UriKind.Absolute, out var url)
                    ? url
                    : throw new UsageException($"{option} '{value}' is not a valid URL");
            }
            else if (Partitions.IsRegionName(value))
            {
                endpoint.Region = value;
            }
            else
            {
                var known = settings.Endpoints.Count == 0 ? "none configured" : string.Join(", ", settings.Endpoints.Keys);
                throw new UsageException($"{option} '{value}' is neither a configured endpoint ({known}), a region nor an http(s) URL");
            }
        }
        else if (value is null)
        {
            endpoint.Region = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION")
                ?? throw new UsageException($"{option} is required (no AWS_REGION is set): give an endpoint name, a region or a URL");
        }

        endpoint.Region = region ?? endpoint.Region;
        endpoint.CertificateAuthorityPath = ca ?? endpoint.CertificateAuthorityPath;
        if (credentials is not null)
        {
            endpoint.Credentials = ParseCredentials(option.Replace("--", string.Empty, StringComparison.Ordinal) + "-credentials", credentials, environmentPrefix);
        }

        settings.Endpoints[name] = endpoint;
        return name;
    }

    private static CredentialSettings ParseCredentials(string option, string text, string environmentPrefix)
    {
        var (kind, argument) = text.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? (text[..colon], text[(colon + 1)..]) : (text, null);
        return kind.ToUpperInvariant() switch
        {
            "DEFAULT" => new CredentialSettings { Kind = CredentialSourceKind.Default },
            "ENV" => new CredentialSettings { Kind = CredentialSourceKind.Environment },
            "PROFILE" when !string.IsNullOrEmpty(argument) => new CredentialSettings { Kind = CredentialSourceKind.Profile, ProfileName = argument },
            "SSM" when !string.IsNullOrEmpty(argument) => new CredentialSettings { Kind = CredentialSourceKind.SsmParameter, ParameterName = argument },
            "KEYS" => new CredentialSettings
            {
                Kind = CredentialSourceKind.Static,
                AccessKeyId = Environment.GetEnvironmentVariable(environmentPrefix + "ACCESS_KEY_ID")
                    ?? throw new UsageException($"--{option} keys: {environmentPrefix}ACCESS_KEY_ID is not set"),
                SecretAccessKey = Environment.GetEnvironmentVariable(environmentPrefix + "SECRET_ACCESS_KEY")
                    ?? throw new UsageException($"--{option} keys: {environmentPrefix}SECRET_ACCESS_KEY is not set"),
                SessionToken = Environment.GetEnvironmentVariable(environmentPrefix + "SESSION_TOKEN"),
            },
            _ => throw new UsageException($"--{option} '{text}' is not one of default, env, profile:NAME, ssm:PARAMETER, keys"),
        };
    }
}
