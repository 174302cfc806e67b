using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Heartbeats;
using Sentinel.Gateway.Monitors;
using Sentinel.Gateway.StatusPages;

namespace Sentinel.Gateway.ConfigAsCode;

/// POST /api/v1/import: applies a configuration file in one transaction (objects and their catalog events commit
/// together, or nothing does). `?dryRun=true` answers the same report and rolls back; `?prune=true` also deletes
/// what the file does not name. Status pages are matched by slug.
public static class ImportConfig
{
    const int MaxBytes = 1024 * 1024;

    public static void MapImportConfig(this RouteGroupBuilder api) =>
        api.MapPost("/import", Handle)
            .WithSummary("Import a configuration file (YAML)")
            .WithDescription("Creates, updates or (with prune=true) deletes objects by name (status pages by slug); dryRun=true reports without changing anything. An invalid file is rejected whole with every error.")
            .Accepts<string>(ConfigExport.YamlMediaType, "text/yaml", "text/plain")
            .Produces<ImportReport>()
            .ProducesValidationProblem();

    static async Task<Results<Ok<ImportReport>, ValidationProblem>> Handle(
        HttpRequest request, CatalogDb db, TenantContext tenant, TimeProvider clock, IConfiguration configuration,
        StatusPageCache cache, PingTargets pingTargets, bool? dryRun, bool? prune, CancellationToken ct)
    {
        var text = await ReadAsync(request, ct);
        if (text is null)
            return Problems.Validation("body", $"The file must be at most {MaxBytes} bytes of UTF-8 YAML.");
        var (root, syntax) = ConfigYaml.Read(text);
        if (syntax is not null)
            return Problems.Validation("yaml", $"Line {syntax.Line}, column {syntax.Column}: {syntax.Message}");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One import per tenant at a time: two would both see a name as missing and both create it.
        await db.Database.ExecuteSqlAsync($"select pg_advisory_xact_lock({LockKey(tenant.Id)})", ct);
        var import = new ConfigImport(db, tenant.Id, clock.GetUtcNowForStorage(), configuration.MinIntervalSeconds(), prune == true);
        var report = await import.RunAsync(root!, dryRun == true, ct);
        if (report is null)
        {
            await tx.RollbackAsync(ct);
            return Problems.Validation(import.Errors);
        }
        if (dryRun == true)
            await tx.RollbackAsync(ct);
        else
        {
            await tx.CommitAsync(ct);
            foreach (var slug in import.ChangedStatusPages)
                cache.Forget(slug);
            foreach (var monitorId in import.ChangedMonitors)
                pingTargets.Forget(monitorId);
        }
        return TypedResults.Ok(report);
    }

    static long LockKey(Guid tenantId) => BitConverter.ToInt64(tenantId.ToByteArray(), 0) ^ 0x5E471E1C0F16;

    static async Task<string?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
