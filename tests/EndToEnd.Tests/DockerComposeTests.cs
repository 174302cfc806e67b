using System.Diagnostics;

namespace Sentinel.EndToEnd.Tests;

/// No Docker engine runs here, so docker-compose.yml is checked the honest way that is left: docker-compose itself
/// parses and validates it, and it must run every service with its migrations and the three servers.
public sealed class DockerComposeTests
{
    [Test]
    public async Task The_compose_file_is_valid_and_runs_every_service()
    {
        var (code, output) = await ComposeAsync("config", "-q");
        Assert.That(code, Is.Zero, output);

        var (_, services) = await ComposeAsync("config", "--services");
        var names = services.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(names, Is.SupersetOf(new[]
        {
            "rabbitmq", "postgres", "redis",
            "gateway", "scheduler", "checker", "telemetry-ingest", "alert-evaluation", "delivery",
            "gateway-migrate", "scheduler-migrate", "telemetry-ingest-migrate", "alert-evaluation-migrate", "delivery-migrate",
        }));
    }

    [Test]
    public async Task Every_service_has_a_dockerfile_that_publishes_it()
    {
        foreach (var name in SentinelSystem.ServiceNames)
        {
            var dockerfile = Path.Combine(RepositoryRoot(), "services", name, "Dockerfile");
            Assert.That(File.Exists(dockerfile), dockerfile);
            Assert.That(await File.ReadAllTextAsync(dockerfile), Does.Contain($"services/{name}/Sentinel.{name}.csproj"));
        }
    }

    static async Task<(int Code, string Output)> ComposeAsync(params string[] args)
    {
        var info = new ProcessStartInfo("docker-compose")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["SENTINEL_BOOTSTRAP_API_KEY"] = "sk_compose_check";
        info.Environment["SENTINEL_DELIVERY_SECRET_KEY"] = Convert.ToBase64String(new byte[32]);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sentinel.Microservices.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
