using Klarsicht.FakeKube.Resources;

namespace Klarsicht.FakeKube.Store;

/// <summary>
/// One object as the fake serves it, serialised once at load time: <see cref="ObjectJson"/> for a single GET (with
/// kind and apiVersion) and <see cref="ItemJson"/> for a list item (without them, as the real server writes lists).
/// Everything a request filters on is precomputed so requests never walk JSON.
/// </summary>
internal sealed record StoredObject(
    KubeResource Resource,
    string Namespace,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Fields,
    byte[] ObjectJson,
    byte[] ItemJson,
    PodInfo? Pod);

/// <summary>What the log endpoint and /metrics need to know about a pod.</summary>
internal sealed record PodInfo(
    string Namespace,
    string Name,
    string? NodeName,
    string Phase,
    IReadOnlyList<string> Containers,
    IReadOnlyList<string> InitContainers,
    IReadOnlyDictionary<string, ContainerInfo> Statuses,
    string? DefaultContainer);

internal enum ContainerStateKind { Unknown, Waiting, Running, Terminated }

internal sealed record ContainerInfo(
    string Name,
    bool IsInit,
    ContainerStateKind State,
    string? WaitingReason,
    string? TerminatedReason,
    string? LastTerminatedReason,
    bool HasLastTerminated,
    long RestartCount,
    bool Ready);
