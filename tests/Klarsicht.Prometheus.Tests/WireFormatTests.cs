using System.Text.Json;
using Klarsicht.FakeKube.Scenarios;
using Klarsicht.Prometheus.Api;
using Klarsicht.Testing.Prometheus;

namespace Klarsicht.Prometheus.Tests;

public sealed class WireFormatTests
{
    [Fact]
    public void Response_ReadsStringValuesIncludingNaNAndInfinity()
    {
        const string json = """
            {"status":"success","warnings":["w"],"data":{"resultType":"vector","result":[
              {"metric":{"container":"a"},"value":[1767268800.123,"NaN"]},
              {"metric":{"container":"b"},"value":[1767268800,"+Inf"]},
              {"metric":{"container":"c"},"value":[1767268800,"-Inf"]},
              {"metric":{"container":"d"},"value":[1767268800,"5.36870912e+08"]}]}}
            """;

        var response = JsonSerializer.Deserialize<PrometheusResponse>(json)!;

        Assert.True(response.IsSuccess);
        Assert.Equal(["w"], response.Warnings);
        var values = response.Data!.Result.Select(s => s.Value!.Value.Value).ToList();
        Assert.True(double.IsNaN(values[0]));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, 536870912], values.Skip(1));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767268800123), response.Data.Result[0].Value!.Value.Time);
    }

    [Fact]
    public void Response_ReadsAMatrixAndAScalar()
    {
        var matrix = JsonSerializer.Deserialize<PrometheusResponse>(
            """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"pod":"p"},"values":[[1,"1"],[2,"2"]]}]}}""")!;
        var scalar = JsonSerializer.Deserialize<PrometheusResponse>("""{"status":"success","data":{"resultType":"scalar","result":[1,"42"]}}""")!;

        Assert.Equal([1d, 2d], matrix.Data!.Result.Single().Samples.Select(s => s.Value));
        Assert.Equal(42, scalar.Data!.Result.Single().Value!.Value.Value);
    }

    [Fact]
    public void ErrorResponse_ReadsTheErrorTypeAndMessage()
    {
        var response = JsonSerializer.Deserialize<PrometheusResponse>(
            """{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:24: parse error"}""")!;

        Assert.False(response.IsSuccess);
        Assert.Equal("bad_data", response.ErrorType);
        Assert.Equal("invalid parameter \"query\": 1:24: parse error", response.Error);
    }

    [Fact]
    public void PromQl_EscapesLabelValues()
    {
        Assert.Equal("a\\\"b\\\\c\\n", Collection.PromQl.Escape("a\"b\\c\n"));
    }

    [Fact]
    public void OpenMetrics_GroupsFamilies_SortsAndMergesSamples_AndEscapesLabels()
    {
        var series = new[]
        {
            new ScenarioSeries(new Dictionary<string, string> { ["__name__"] = "up", ["job"] = "a\"b\\c" }, [new(20, 1), new(10, double.NaN)]),
            new ScenarioSeries(new Dictionary<string, string> { ["__name__"] = "kube_pod_container_status_restarts_total", ["pod"] = "p" }, [new(10, 3)]),
            new ScenarioSeries(new Dictionary<string, string> { ["__name__"] = "up", ["job"] = "a\"b\\c" }, [new(15, double.PositiveInfinity)]),
        };
        using var writer = new StringWriter();

        var written = OpenMetricsWriter.Write(writer, series, TimeSpan.FromSeconds(100.5));

        Assert.Equal(4, written);
        Assert.Equal(
            "# TYPE kube_pod_container_status_restarts counter\n"
            + "kube_pod_container_status_restarts_total{pod=\"p\"} 3 110.5\n"
            + "# TYPE up gauge\n"
            + "up{job=\"a\\\"b\\\\c\"} NaN 110.5\n"
            + "up{job=\"a\\\"b\\\\c\"} +Inf 115.5\n"
            + "up{job=\"a\\\"b\\\\c\"} 1 120.5\n"
            + "# EOF\n",
            writer.ToString());
    }
}
