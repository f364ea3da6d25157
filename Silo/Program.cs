using Microsoft.Extensions.Hosting;
using MultiStore.Silo.Hosting;

// `Silo migrate` applies the PostgreSQL schema and exits. Otherwise the silo runs in Orleans:Mode (Embedded by
// default, or Cluster: Redis membership + PostgreSQL state) until SIGTERM or Ctrl+C, then leaves the cluster cleanly.
var builder = Host.CreateApplicationBuilder(SiloHostingExtensions.HostArguments(args));
if (SiloHostingExtensions.IsMigrateCommand(args))
{
    return await builder.RunMigrationAsync();
}

builder.AddMultiStoreSilo();
using var host = builder.Build();
return await host.RunMultiStoreSiloAsync();
