namespace Sentinel.Gateway.Tenants;

/// Everything in the catalog belongs to one tenant; API keys are how a caller proves which.
public sealed class Tenant
{
    public Guid Id { get; init; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    /// The tenant's part of slug ping URLs (/ping/{PingKey}/{slug}); created on first use.
    public string? PingKey { get; set; }
}
