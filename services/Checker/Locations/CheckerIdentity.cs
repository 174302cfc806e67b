using Sentinel.Contracts;

namespace Sentinel.Checker.Locations;

/// Who this Checker process is: a random id per process (Alert-Evaluation tells replicas apart by it) and the
/// location it stands in (`Checker:Location`, e.g. "eu-west"; empty: none, it takes shared work only).
public sealed class CheckerIdentity
{
    public CheckerIdentity(IConfiguration configuration)
    {
        var location = configuration["Checker:Location"];
        if (string.IsNullOrWhiteSpace(location))
            return;
        // The name becomes part of a queue name: refuse to start rather than consume a queue nobody sends to.
        if (!Contracts.Locations.IsValidName(location))
            throw new InvalidOperationException(
                $"Checker:Location '{location}' is not a valid location name (1-{Contracts.Locations.MaxNameLength} characters of a-z, 0-9 and inner '-').");
        Location = location;
    }

    public Guid CheckerId { get; } = Guid.NewGuid();
    public string? Location { get; }

    /// The check queue of this Checker's location, besides the shared one; null without a location.
    public static string? LocationQueue(IConfiguration configuration) =>
        configuration["Checker:Location"] is { Length: > 0 } location ? Queues.CheckMonitorBatchFor(location) : null;
}
