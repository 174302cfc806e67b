using System.Net.Http.Json;

namespace Sentinel.Testing;

/// A RabbitMQ virtual host of its own for one test run (made through the management API), deleted afterwards.
public sealed class TestVirtualHost : IAsyncDisposable
{
    TestVirtualHost(string name) => Name = name;

    public string Name { get; }

    public static async Task<TestVirtualHost> CreateAsync(string prefix)
    {
        var name = TestInfrastructure.UniqueName(prefix);
        using var client = TestInfrastructure.ManagementClient();
        var vhost = Uri.EscapeDataString(name);
        (await client.PutAsJsonAsync($"api/vhosts/{vhost}", new { })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync(
            $"api/permissions/{vhost}/{Uri.EscapeDataString(TestInfrastructure.RabbitUser)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new TestVirtualHost(name);
    }

    /// Messages waiting in a queue of this virtual host (the management API refreshes every few seconds).
    public async Task<int> QueueDepthAsync(string queue)
    {
        using var client = TestInfrastructure.ManagementClient();
        var response = await client.GetAsync($"api/queues/{Uri.EscapeDataString(Name)}/{Uri.EscapeDataString(queue)}");
        if (!response.IsSuccessStatusCode)
            return 0;
        var info = await response.Content.ReadFromJsonAsync<QueueInfo>();
        return info?.Messages ?? 0;
    }

    public async ValueTask DisposeAsync()
    {
        using var client = TestInfrastructure.ManagementClient();
        await client.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(Name)}");
    }

    sealed record QueueInfo(int Messages);
}
