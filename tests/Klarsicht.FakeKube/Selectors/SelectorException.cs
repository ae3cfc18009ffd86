namespace Klarsicht.FakeKube.Selectors;

/// <summary>A selector the real API server would reject with 400 BadRequest; the message is the server's.</summary>
public sealed class SelectorException(string message) : Exception(message);
