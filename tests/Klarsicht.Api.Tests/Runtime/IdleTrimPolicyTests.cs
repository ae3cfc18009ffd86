using Klarsicht.Api.Runtime;

namespace Klarsicht.Api.Tests.Runtime;

public sealed class IdleTrimPolicyTests
{
    private const long Mb = 1024 * 1024;

    [Fact]
    public void AfterStartup_TrimsOnce_WhenQuietForEnoughTicks_ThenNotAgainWhileIdle()
    {
        var policy = new IdleTrimPolicy(quietBytesPerTick: Mb, worthTrimmingBytes: 16 * Mb, quietTicks: 3);
        var total = 5 * Mb;

        var trims = Ticks(policy, ref total, allocatedPerTick: 10_000, ticks: 20);

        Assert.Equal([2], trims);
    }

    [Fact]
    public void WhileBusy_NeverTrims_EvenWithGarbageToGiveBack()
    {
        var policy = new IdleTrimPolicy(Mb, 16 * Mb, 3);
        var total = 0L;

        Assert.Empty(Ticks(policy, ref total, allocatedPerTick: 8 * Mb, ticks: 50));
    }

    [Fact]
    public void ABurstOfWork_IsFollowedByOneTrim_OnceTheBurstIsOver()
    {
        var policy = new IdleTrimPolicy(Mb, 16 * Mb, 3);
        var total = 0L;
        Ticks(policy, ref total, allocatedPerTick: 0, ticks: 10);

        Assert.Empty(Ticks(policy, ref total, allocatedPerTick: 6 * Mb, ticks: 5));
        Assert.Equal([2], Ticks(policy, ref total, allocatedPerTick: 50_000, ticks: 10));
    }

    [Fact]
    public void ScrapesAndProbes_AddUp_ToAnOccasionalTrim_NotOneEveryFewTicks()
    {
        var policy = new IdleTrimPolicy(Mb, 16 * Mb, 3);
        var total = 0L;
        Ticks(policy, ref total, allocatedPerTick: 0, ticks: 5);

        // 200 KB a tick: 16 MiB after ~80 ticks.
        var trims = Ticks(policy, ref total, allocatedPerTick: 200 * 1024, ticks: 200);

        Assert.Equal(2, trims.Count);
        Assert.True(trims[1] - trims[0] >= 80, $"trims at ticks {string.Join(", ", trims)}");
    }

    private static List<int> Ticks(IdleTrimPolicy policy, ref long total, long allocatedPerTick, int ticks)
    {
        var trims = new List<int>();
        for (var i = 0; i < ticks; i++)
        {
            total += allocatedPerTick;
            if (policy.Observe(total))
            {
                trims.Add(i);
            }
        }

        return trims;
    }
}
