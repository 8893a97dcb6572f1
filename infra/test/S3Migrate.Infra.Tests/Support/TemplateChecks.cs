using System.Runtime.InteropServices;
using System.Text.Json;

namespace S3Migrate.Infra.Tests.Support;

/// <summary>
/// The policy and schema checks of <c>infra/</c> (cfn-guard with <c>guard/</c>, and scripts/check-resource-spec.mjs),
/// and the templates of the app run the way operators and CI run it: as a program writing to CDK_OUTDIR. Installs the
/// checks' npm packages (<c>npm ci</c>) when they are missing.
/// </summary>
public sealed class TemplateChecks
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan SynthTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(1);

    /// <summary>cfn-guard's exit code when a rule fails.</summary>
    public const int GuardRuleFailed = 19;

    public TemplateChecks()
    {
        EnsurePackagesInstalled();
        GuardBinary = FindGuardBinary();
        AppTemplates = SynthesizeByRunningTheApp();
    }

    public string GuardBinary { get; }

    /// <summary>Templates written by the app run with the example settings file.</summary>
    public IReadOnlyList<string> AppTemplates { get; }

    public ProcessRunner.Result RunGuard(IEnumerable<string> templates) => ProcessRunner.Run(
        GuardBinary,
        ["validate", "--rules", InfraDirectory.Combine("guard"), .. templates.SelectMany(t => new[] { "--data", t }), "--show-summary", "fail"],
        InfraDirectory.Path,
        CheckTimeout);

    public static ProcessRunner.Result RunSpecCheck(IEnumerable<string> templates) => ProcessRunner.Run(
        "node",
        [InfraDirectory.Combine("scripts", "check-resource-spec.mjs"), .. templates],
        InfraDirectory.Path,
        CheckTimeout);

    /// <summary>Names of the rules cfn-guard reported as failed.</summary>
    public static IReadOnlyList<string> FailedRules(ProcessRunner.Result result) =>
        [.. result.Output.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.EndsWith("FAIL", StringComparison.Ordinal) && l.Contains(".guard/", StringComparison.Ordinal))
            .Select(l => l.Split(".guard/")[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])
            .Distinct()];

    /// <summary>Writes a changed copy of a template for a check to reject.</summary>
    public static string WriteVariant(string template, Action<System.Text.Json.Nodes.JsonObject> change, string name)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(template))!.AsObject();
        change(json);
        var path = Path.Combine(TestProcessEnvironment.TempDirectory, $"{name}-{Guid.NewGuid():N}.template.json");
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private static void EnsurePackagesInstalled()
    {
        if (File.Exists(InfraDirectory.Combine("node_modules", "@cdklabs", "cdk-validator-cfnguard", "package.json"))
            && File.Exists(InfraDirectory.Combine("node_modules", "@aws-cdk", "aws-service-spec", "package.json")))
        {
            return;
        }

        ProcessRunner.Result install;
        try
        {
            install = ProcessRunner.Run("npm", ["ci", "--no-audit", "--no-fund"], InfraDirectory.Path, InstallTimeout);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The template checks need Node.js and npm on the PATH (to install infra/package.json).", e);
        }

        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"`npm ci` in {InfraDirectory.Path} failed (exit {install.ExitCode}); the template checks cannot run:\n{install.Everything}");
        }
    }

    private static string FindGuardBinary()
    {
        var os = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "ubuntu"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "macos"
            : throw new PlatformNotSupportedException("@cdklabs/cdk-validator-cfnguard ships cfn-guard for Linux and macOS only.");
        var architecture = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64" : "x86_64";
        var path = InfraDirectory.Combine("node_modules", "@cdklabs", "cdk-validator-cfnguard", "bin", os, architecture, "cfn-guard");
        return File.Exists(path) ? path : throw new FileNotFoundException("cfn-guard is not where @cdklabs/cdk-validator-cfnguard puts it.", path);
    }

    private static List<string> SynthesizeByRunningTheApp()
    {
        var outdir = Path.Combine(TestProcessEnvironment.TempDirectory, "app-" + Guid.NewGuid().ToString("N"));
        var app = Path.Combine(AppContext.BaseDirectory, "S3Migrate.Infra.dll");
        var context = JsonSerializer.Serialize(new Dictionary<string, string> { [S3MigrateApp.SettingsContextKey] = InfraDirectory.Combine("settings.example.json") });
        var run = ProcessRunner.Run(
            "dotnet",
            [app],
            InfraDirectory.Path,
            SynthTimeout,
            new Dictionary<string, string> { ["CDK_OUTDIR"] = outdir, ["CDK_CONTEXT_JSON"] = context });
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"The app failed to synthesize (exit {run.ExitCode}):\n{run.Everything}");
        }

        return [.. Directory.GetFiles(outdir, "*.template.json").Order()];
    }
}
