using Microsoft.Extensions.Options;
using Quartz;
using Sentinel.TelemetryIngest.Partitions;
using Sentinel.TelemetryIngest.Pings;
using Sentinel.TelemetryIngest.Rollups;

namespace Sentinel.TelemetryIngest.Maintenance;

/// Quartz runs this every MaintenanceIntervalSeconds; DisallowConcurrentExecution keeps a slow pass from
/// overlapping the next one in the same process, and the runner's advisory lock does the same across replicas.
[DisallowConcurrentExecution]
public sealed class MaintenanceJob(MaintenanceRunner runner, PingRetention pings, IOptions<TelemetryOptions> options) : IJob
{
    public static readonly JobKey Key = new("telemetry-maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // Ping retention follows the replica that won this turn's lock; a second replica deleting too would be harmless.
        if (options.Value.MaintenanceEnabled && await runner.RunAsync(cancellationToken))
            await pings.DeleteExpiredAsync(cancellationToken);
    }
}

public static class MaintenanceRegistration
{
    public static IHostApplicationBuilder AddTelemetryMaintenance(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration("Telemetry")
            .Validate(o => o.RetentionDays >= 1, "Telemetry:RetentionDays must be at least 1.")
            .Validate(o => o.PingRetentionDays >= 1, "Telemetry:PingRetentionDays must be at least 1.")
            .Validate(o => o.PartitionDaysAhead >= 1, "Telemetry:PartitionDaysAhead must be at least 1.")
            .Validate(o => o.MaintenanceIntervalSeconds >= 1, "Telemetry:MaintenanceIntervalSeconds must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddScoped<PartitionManager>();
        builder.Services.AddScoped<RollupWriter>();
        builder.Services.AddScoped<PingRetention>();
        builder.Services.AddScoped<MaintenanceRunner>();

        var interval = TimeSpan.FromSeconds(
            builder.Configuration.GetValue("Telemetry:MaintenanceIntervalSeconds", 60));
        builder.Services.AddQuartz(q => q.ScheduleJob<MaintenanceJob>(
            trigger => trigger.WithIdentity("telemetry-maintenance").StartNow().WithSchedule(SimpleScheduleBuilder.Create()
                .WithInterval(interval).RepeatForever()
                .MeasureIntervalFromCompletion(true) // a long pass delays the next one instead of piling runs up
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)),
            job => job.WithIdentity(MaintenanceJob.Key).DisallowConcurrentExecution(true)));
        // Stopping waits for a running pass: each of its transactions is short, and an interrupted one rolls back.
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }
}
