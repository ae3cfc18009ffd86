using Klarsicht.Core.Redaction;

namespace Klarsicht.Core.Tests.Redaction;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("connecting to postgres://app:s3cr3t-Pa55@db:5432/orders", "s3cr3t-Pa55")]
    [InlineData("Authorization: Bearer abcdefghijklmnop1234", "abcdefghijklmnop1234")]
    [InlineData("SLACK_BOT_TOKEN=xoxb-5820193746-8812093471625-Zq7RtLm2Xv9KpW4sNd8HjYb1", "xoxb-5820193746-8812093471625-Zq7RtLm2Xv9KpW4sNd8HjYb1")]
    [InlineData("Server=db;Port=3306;User ID=app;Password=Hunter2Hunter2;", "Hunter2Hunter2")]
    [InlineData("aws key AKIAIOSFODNN7EXAMPLE rejected", "AKIAIOSFODNN7EXAMPLE")]
    public void SecretInText_IsMasked(string text, string secret)
    {
        var redacted = SecretRedactor.Redact(text);

        Assert.DoesNotContain(secret, redacted);
        Assert.Contains(SecretRedactor.Mask, redacted);
    }

    [Theory]
    [InlineData("Required setting 'Ledger:ApiKey' is missing. Set the environment variable LEDGER__APIKEY.")]
    [InlineData("password authentication failed for user \"orders\"")]
    [InlineData("dial tcp 10.96.12.7:5432: connect: connection refused")]
    public void DiagnosticTextWithoutSecret_IsKeptVerbatim(string text) => Assert.Equal(text, SecretRedactor.Redact(text));

    [Fact]
    public void TokenBehindASecretKey_IsMaskedOnce()
    {
        Assert.Equal("SLACK_TOKEN=[REDACTED] next", SecretRedactor.Redact("SLACK_TOKEN=xoxb-5820193746-8812093471625-Zq7RtLm2Xv9KpW4sNd8HjYb1 next"));
    }
}
