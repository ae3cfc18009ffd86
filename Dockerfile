# syntax=docker/dockerfile:1
# Klarsicht: docker build -t klarsicht .
# The runtime image runs as the non-root app user, writes only to /data (the SQLite default) and works with a
# read-only root filesystem (Kubernetes: readOnlyRootFilesystem with an emptyDir at /tmp).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

# Restore first, from the project files only, so that a code change does not invalidate the package layer.
# Only what the Api needs: the build props and the Api with the projects it references (not tests/).
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Klarsicht.Api/Klarsicht.Api.csproj src/Klarsicht.Api/
COPY src/Klarsicht.Core/Klarsicht.Core.csproj src/Klarsicht.Core/
COPY src/Klarsicht.Kubernetes/Klarsicht.Kubernetes.csproj src/Klarsicht.Kubernetes/
COPY src/Klarsicht.Storage/Klarsicht.Storage.csproj src/Klarsicht.Storage/
COPY src/Klarsicht.Prometheus/Klarsicht.Prometheus.csproj src/Klarsicht.Prometheus/
COPY src/Klarsicht.Notifications/Klarsicht.Notifications.csproj src/Klarsicht.Notifications/
RUN dotnet restore src/Klarsicht.Api/Klarsicht.Api.csproj -r linux-x64

COPY src/ src/
# ReadyToRun: precompiled code starts faster; Klarsicht.Api.csproj limits it to Klarsicht's own assemblies (see there).
RUN dotnet publish src/Klarsicht.Api/Klarsicht.Api.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /app \
    /p:UseAppHost=false /p:PublishReadyToRun=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# DOTNET_EnableDiagnostics=0: no diagnostic IPC sockets or perf maps in /tmp (read-only root filesystem).
# SQLite by default in /data, the only writable path; PostgreSQL: Klarsicht__Storage__Provider=postgres and
# ConnectionStrings__Klarsicht=Host=...;Database=...;Username=...;Password=...
ENV DOTNET_EnableDiagnostics=0 \
    ConnectionStrings__Klarsicht="Data Source=/data/klarsicht.db"

RUN mkdir /data && chown "$APP_UID" /data
VOLUME /data

COPY --from=build /app ./

USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "Klarsicht.Api.dll"]
