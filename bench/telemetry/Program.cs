using Sentinel.Bench.Telemetry;

// Every loop below is bounded in count and in time; everything runs on loopback.
var mode = args.Length > 0 ? args[0] : "all";
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var serviceDll = Option("--service", "services/TelemetryIngest/bin/Release/net10.0/Sentinel.TelemetryIngest.dll");
if (mode is "ingest" or "all")
{
    var count = int.Parse(Option("--count", "100000"));
    var format = Option("--format", "packed");
    if (format is not ("packed" or "json"))
        throw new ArgumentException("--format is packed (MonitorCheckedPacked, as the Checker publishes) or json (MonitorCheckedBatch)");
    await IngestBench.RunAsync(serviceDll, count, int.Parse(Option("--singles", "10000")), int.Parse(Option("--per-message", "500")),
        packed: format == "packed");
}
if (mode is "stats" or "all")
    await StatsBench.RunAsync(int.Parse(Option("--monitors", "1000")), int.Parse(Option("--queries", "300")), args.Contains("--fresh"));
