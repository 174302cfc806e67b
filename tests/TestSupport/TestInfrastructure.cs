using System.Net.Http.Headers;
using System.Text;

namespace Sentinel.Testing;

/// Where the real servers are. The test command starts them on loopback when they are missing; the same
/// environment variables the services read point the tests at other servers.
public static class TestInfrastructure
{
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
        ?? "Host=localhost;Port=5432;Database=sentinel;Username=sentinel;Password=sentinel";

    public static string RabbitHost => Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "localhost";
    public static string RabbitPort => Environment.GetEnvironmentVariable("RabbitMq__Port") ?? "5672";
    public static string RabbitUser => Environment.GetEnvironmentVariable("RabbitMq__Username") ?? "guest";
    public static string RabbitPassword => Environment.GetEnvironmentVariable("RabbitMq__Password") ?? "guest";
    public static Uri RabbitManagement =>
        new(Environment.GetEnvironmentVariable("RabbitMq__ManagementUrl") ?? $"http://{RabbitHost}:15672/");

    public static string RedisConfiguration =>
        Environment.GetEnvironmentVariable("Redis__Configuration") ?? "localhost:6379";

    internal static HttpClient ManagementClient()
    {
        var client = new HttpClient { BaseAddress = RabbitManagement, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitUser}:{RabbitPassword}")));
        return client;
    }

    public static string UniqueName(string prefix) =>
        $"{prefix}_{DateTime.UtcNow:MMddHHmmss}_{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();
}
