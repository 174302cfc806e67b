using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;
using Sentinel.Testing;

namespace Sentinel.Faults.Tests;

/// Restarts the real RabbitMQ, PostgreSQL or Redis this machine runs (as root, through the init scripts: there is no
/// systemd here). A server on another host cannot be restarted from a test, so such a test fails and says why.
public static class LocalServers
{
    public sealed record Server(string Name, string InitScript, string Host, int Port);

    public static Server RabbitMq => new("RabbitMQ", "rabbitmq-server", TestInfrastructure.RabbitHost, int.Parse(TestInfrastructure.RabbitPort));

    public static Server PostgreSql
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(TestInfrastructure.PostgresAdmin);
            return new("PostgreSQL", "postgresql", builder.Host ?? "localhost", builder.Port);
        }
    }

    public static Server Redis
    {
        get
        {
            var parts = TestInfrastructure.RedisConfiguration.Split(',')[0].Split(':');
            return new("Redis", "redis-server", parts[0], parts.Length > 1 ? int.Parse(parts[1]) : 6379);
        }
    }

    /// Restarts the server and returns once it accepts connections again.
    public static async Task RestartAsync(Server server)
    {
        if (server.Host is not ("localhost" or "127.0.0.1" or "::1"))
            Assert.Fail($"{server.Name} runs on {server.Host}, not on this machine: the fault tests restart servers and need them local (unset the environment variable pointing elsewhere)");
        if (!File.Exists($"/etc/init.d/{server.InitScript}"))
            Assert.Fail($"/etc/init.d/{server.InitScript} not found: cannot restart {server.Name} here");

        var info = new ProcessStartInfo("service") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(server.InitScript);
        info.ArgumentList.Add("restart");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not run service");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, $"service {server.InitScript} restart: {await output}{await errors} (the fault tests must run as root)");

        await Poll.UntilAsync(() => Task.FromResult(Accepts(server)), up => up, TimeSpan.FromSeconds(60), $"{server.Name} to accept connections after its restart");
    }

    static bool Accepts(Server server)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(server.Host, server.Port).Wait(TimeSpan.FromSeconds(1)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
