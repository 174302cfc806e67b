using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sentinel.Testing;

namespace Sentinel.Faults.Tests;

/// The RabbitMQ management API for one virtual host: publish raw bytes to a queue, peek into a queue, list queues.
public sealed class BrokerQueues(string virtualHost) : IDisposable
{
    readonly HttpClient client = CreateClient();
    string VHost => Uri.EscapeDataString(virtualHost);

    public async Task PublishAsync(string queue, string payload, string contentType = "application/vnd.masstransit+json")
    {
        var response = await client.PostAsJsonAsync($"api/exchanges/{VHost}/amq.default/publish", new
        {
            properties = new Dictionary<string, object> { ["content_type"] = contentType, ["delivery_mode"] = 2, ["message_id"] = Guid.NewGuid().ToString() },
            routing_key = queue,
            payload,
            payload_encoding = "string",
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode && body.Contains("\"routed\":true"), Is.True, $"publish to {queue}: {body}");
    }

    /// Messages of a queue, left in it (requeued).
    public async Task<List<JsonElement>> PeekAsync(string queue, int count)
    {
        var response = await client.PostAsJsonAsync($"api/queues/{VHost}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        if (!response.IsSuccessStatusCode)
            return [];
        return await response.Content.ReadFromJsonAsync<List<JsonElement>>() ?? [];
    }

    public async Task<List<JsonElement>> QueuesAsync()
    {
        var response = await client.GetAsync($"api/queues/{VHost}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<JsonElement>>() ?? [];
    }

    public void Dispose() => client.Dispose();

    static HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = TestInfrastructure.RabbitManagement, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestInfrastructure.RabbitUser}:{TestInfrastructure.RabbitPassword}")));
        return client;
    }
}
