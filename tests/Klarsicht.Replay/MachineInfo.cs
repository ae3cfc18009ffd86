using System.Runtime.InteropServices;

namespace Klarsicht.Replay;

/// <summary>The machine numbers were measured on.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, string Os, string Dotnet)
{
    public static MachineInfo Current { get; } = new(
        Environment.ProcessorCount,
        CpuModelFromProcCpuinfo() ?? RuntimeInformation.ProcessArchitecture.ToString(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    public override string ToString() => $"{Cores} cores, {CpuModel}, {Os}, {Dotnet}";

    private static string? CpuModelFromProcCpuinfo()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").Where(l => l.StartsWith("model name", StringComparison.Ordinal))
                    .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
