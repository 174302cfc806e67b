#:package Npgsql
using Npgsql; using NpgsqlTypes; using System.Diagnostics;
var cs = Environment.GetEnvironmentVariable("PING_COPY_CONNECTION") ?? "Host=localhost;Database=sentinel;Username=sentinel;Password=sentinel;Max Auto Prepare=128";
await using var ds = NpgsqlDataSource.Create(cs);
await using (var c = ds.CreateCommand("drop table if exists public.ping_copy_bench; create table public.ping_copy_bench (ping_id uuid primary key, monitor_id uuid not null, tenant_id uuid not null, kind text not null, received_at timestamptz not null, method text not null, source_ip text, user_agent text, body text, body_truncated bool not null, exit_status int, run_id uuid, message text, reported_latency_ms float8); create index on public.ping_copy_bench (tenant_id, monitor_id, received_at desc, ping_id desc); create index on public.ping_copy_bench using brin (received_at);")) await c.ExecuteNonQueryAsync();
var monitors = Enumerable.Range(0, 10000).Select(_ => Guid.NewGuid()).ToArray(); var tenant = Guid.NewGuid(); var rnd = new Random(1);
int batches = 400, size = 250;
async Task<double> Run(string mode) {
  await using var conn = await ds.OpenConnectionAsync();
  int pid; await using (var c = new NpgsqlCommand("select pg_backend_pid()", conn)) pid = (int)(await c.ExecuteScalarAsync())!;
  long T() { var f = File.ReadAllText($"/proc/{pid}/stat").Split(' '); return long.Parse(f[13]) + long.Parse(f[14]); }
  var t0 = T(); var sw = Stopwatch.StartNew(); var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
  for (int b = 0; b < batches; b++) {
    var ids = new Guid[size]; var mons = new Guid[size]; var ts = new DateTime[size];
    for (int i = 0; i < size; i++) { ids[i] = Guid.CreateVersion7(); mons[i] = monitors[rnd.Next(10000)]; ts[i] = DateTime.UtcNow; }
    if (mode == "copy") {
      await using var w = await conn.BeginBinaryImportAsync("copy public.ping_copy_bench (ping_id, monitor_id, tenant_id, kind, received_at, method, source_ip, user_agent, body, body_truncated, exit_status, run_id, message, reported_latency_ms) from stdin (format binary)");
      for (int i = 0; i < size; i++) { w.StartRow(); w.Write(ids[i], NpgsqlDbType.Uuid); w.Write(mons[i], NpgsqlDbType.Uuid); w.Write(tenant, NpgsqlDbType.Uuid); w.Write("success", NpgsqlDbType.Text); w.Write(ts[i], NpgsqlDbType.TimestampTz); w.Write("GET", NpgsqlDbType.Text); w.Write("127.0.0.1", NpgsqlDbType.Text); w.WriteNull(); w.WriteNull(); w.Write(false, NpgsqlDbType.Boolean); w.WriteNull(); w.WriteNull(); w.WriteNull(); w.WriteNull(); }
      await w.CompleteAsync();
    } else {
      await using var c = new NpgsqlCommand("insert into public.ping_copy_bench (ping_id, monitor_id, tenant_id, kind, received_at, method, source_ip, user_agent, body, body_truncated, exit_status, run_id, message, reported_latency_ms) select * from unnest($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) on conflict (ping_id) do nothing", conn);
      c.Parameters.Add(new() { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
      c.Parameters.Add(new() { Value = mons, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
      c.Parameters.Add(new() { Value = Enumerable.Repeat(tenant, size).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
      c.Parameters.Add(new() { Value = Enumerable.Repeat("success", size).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
      c.Parameters.Add(new() { Value = ts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
      c.Parameters.Add(new() { Value = Enumerable.Repeat("GET", size).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
      c.Parameters.Add(new() { Value = Enumerable.Repeat("127.0.0.1", size).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
      c.Parameters.Add(new() { Value = new string?[size], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
      c.Parameters.Add(new() { Value = new string?[size], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
      c.Parameters.Add(new() { Value = new bool[size], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
      c.Parameters.Add(new() { Value = new int?[size], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
      c.Parameters.Add(new() { Value = new Guid?[size], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
      c.Parameters.Add(new() { Value = new string?[size], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
      c.Parameters.Add(new() { Value = new double?[size], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
      await c.ExecuteNonQueryAsync();
    }
  }
  var pg = (T() - t0) * 10.0; var client = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
  Console.WriteLine($"{mode}: wall {sw.ElapsedMilliseconds} ms, backend cpu {pg} ms = {pg * 1000 / (batches * size):F1} µs/row, client {client:F0} ms");
  return pg;
}
foreach (var m in new[] { "insert", "copy", "insert", "copy", "insert", "copy" }) await Run(m);
await using (var c = ds.CreateCommand("drop table public.ping_copy_bench")) await c.ExecuteNonQueryAsync();
