using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace Sentinel.Testing;

/// One service as a separate `dotnet Sentinel.X.dll` process, stopped with SIGTERM as an orchestrator would
/// (or killed with SIGKILL, as a crash would). Its console output is appended to logPath. Used by the end-to-end
/// tests and the benchmarks, which run the services exactly as built (Debug or Release, as the caller was).
public sealed class ServiceProcess(string name, int port, IReadOnlyDictionary<string, string> environment, string logPath)
{
    Process? process;

    public string Name => name;
    public int Port => port;
    /// The running process's id (0 when stopped), for benchmarks reading its CPU time from /proc.
    public int Pid => process?.Id ?? 0;
    public string BaseUrl => $"http://127.0.0.1:{port}";

    public static async Task MigrateAsync(string name, IReadOnlyDictionary<string, string> environment)
    {
        using var migrate = Launch(name, ["migrate"], environment, null);
        var output = migrate.StandardOutput.ReadToEndAsync();
        var errors = migrate.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await migrate.WaitForExitAsync(timeout.Token);
        if (migrate.ExitCode != 0)
            throw new InvalidOperationException($"Migrating {name} failed ({migrate.ExitCode}):\n{await output}\n{await errors}");
    }

    public async Task StartAsync()
    {
        process = Launch(name, ["--urls", $"http://127.0.0.1:{port}"], environment, logPath);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(
            async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{Tail()}");
                try
                {
                    return (await client.GetAsync($"http://127.0.0.1:{port}/health/ready")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
                catch (TaskCanceledException)
                {
                    return HttpStatusCode.RequestTimeout;
                }
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(90),
            $"{name} to be ready");
    }

    public async Task StopAsync()
    {
        if (process is null || process.HasExited)
            return;
        _ = Kill(process.Id, 15); // SIGTERM: graceful shutdown, in-flight messages finish or go back to the queue
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        process.Dispose();
        process = null;
    }

    /// SIGKILL: no shutdown at all, in-flight work is cut wherever it is.
    public async Task KillAsync()
    {
        if (process is null || process.HasExited)
            return;
        if (Kill(process.Id, 9) != 0)
            throw new InvalidOperationException($"kill -9 {process.Id} ({name}) failed: errno {Marshal.GetLastWin32Error()}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        process.Dispose();
        process = null;
    }

    public string Tail(int lines = 60)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    static Process Launch(string name, string[] args, IReadOnlyDictionary<string, string> environment, string? logPath)
    {
        var dll = ServiceBinary(name);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        info.Environment["Logging__Console__FormatterName"] = "simple";
        var p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        if (logPath is not null)
        {
            var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
        }
        return p;
    }

    /// services/X/bin/{Debug|Release}/net10.0/Sentinel.X.dll, in the configuration these tests were built with.
    static string ServiceBinary(string name)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name; // .../bin/<configuration>/net10.0/
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Sentinel.Microservices.sln")))
            root = root.Parent;
        if (root is null)
            throw new InvalidOperationException("Sentinel.Microservices.sln not found above " + AppContext.BaseDirectory);
        var dll = Path.Combine(root.FullName, "services", name, "bin", configuration, "net10.0", $"Sentinel.{name}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{name} is not built", dll);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);
}
