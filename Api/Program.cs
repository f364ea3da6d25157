using MultiStore.Api.Auth;
using MultiStore.Api.Hosting;

// The token command prints one JWT on stdout and exits before any host (and its logging) exists.
if (TokenCommand.IsInvoked(args))
{
    return TokenCommand.Run(args, TokenCommand.LoadConfiguration(args), Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddMultiStoreApi();

var app = builder.Build();
app.UseMultiStoreApi();
await app.RunAsync();
return 0;

/// <summary>The entry point; public so that tests can host the API with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
