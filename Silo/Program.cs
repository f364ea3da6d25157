using Microsoft.Extensions.Hosting;
using MultiStore.Grains.Hosting;

// A stand-alone silo on localhost clustering with in-memory state: the durable cluster mode
// (Redis membership, PostgreSQL state) is configured here once it exists.
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo
    .UseLocalhostClustering()
    .AddMultiStoreGrains()
    .UseEmbeddedStorage());

await builder.Build().RunAsync();
