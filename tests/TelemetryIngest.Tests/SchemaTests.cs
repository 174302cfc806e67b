using static Sentinel.TelemetryIngest.Tests.TelemetryEnvironment;

namespace Sentinel.TelemetryIngest.Tests;

public sealed class SchemaTests
{
    [Test]
    public async Task Ping_results_is_range_partitioned_by_due_at_with_a_default_partition()
    {
        Assert.That(await Database.CountAsync("""
            select count(*) from pg_partitioned_table p
            join pg_class c on c.oid = p.partrelid
            join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
            where c.relname = 'ping_results' and p.partstrat = 'r' and a.attname = 'due_at'
            """), Is.EqualTo(1));
        Assert.That(await Database.CountAsync("""
            select count(*) from pg_partitioned_table p
            join pg_class d on d.oid = p.partdefid
            where d.relname = 'ping_results_default'
            """), Is.EqualTo(1));
    }
}
